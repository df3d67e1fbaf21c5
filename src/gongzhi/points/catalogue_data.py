"""A Jingmen-like county catalogue as data: 4 大类 and 191 正能量 items (36 of them 平安法治), plus
Xuancheng-style 扣分项 filed under the chapter they offend against. Written in our own words after
the practice the seeds describe; `gongzhi load_point_catalogue <county>` loads it."""

from dataclasses import dataclass, field

from django.db import transaction

from gongzhi.areas.models import Area, Level
from gongzhi.audit.services import audit_record
from gongzhi.kernel.errors import DomainError

from .choices import AwardEvent, Star
from .models import AwardMapping, PointCategory, PointItem

CATEGORIES = [
    # (code, name, order)
    ("HX", "践行社会主义核心价值观", 1),
    ("SD", "弘扬“四德”（社会公德、职业道德、家庭美德、个人品德）", 2),
    ("PA", "参与平安法治建设", 3),
    ("SH", "参与扫黑除恶", 4),
]

# Who an item is for, by the letters of its `who`: p = 居民 and 党员, m = 党员 only, h = 家庭,
# o = 单位/社团, s = 村(社区)工作人员.
WHO = {
    "p": ["resident", "party_member"],
    "m": ["party_member"],
    "h": ["household"],
    "o": ["organization"],
    "s": ["staff"],
}
# Who may award an item directly: grid workers and the village for residents and households; the
# village and the town for the village's own staff; the village and the town for confidential
# clues (never declared by the informant, so their name does not sit in a review queue).
ROLES_DEFAULT = ["grid_worker", "village_staff"]
ROLES_STAFF = ["village_staff", "town_staff"]
ROLES_CONFIDENTIAL = ["village_staff", "town_staff"]

F, IL, NB, IN, PS, EN = (
    "",
    Star.FILIAL,
    Star.NEIGHBOURLY,
    Star.INDUSTRIOUS,
    Star.PUBLIC_SERVICE,
    Star.ENVIRONMENT,
)

# (code, name, points, who, cap, flags, star); cap "m2" = twice a month, "q1" a quarter, "y1" a year;
# flags: e = evidence (photos) needed, n = not declarable (staff award it), f = fixed points (no
# village bounds), c = confidential (n, and awarded by the village or the town).
ITEMS = {
    "HX": [
        ("HX01", "参加村(社区)民主议事会、说事会", 2, "p", "m2", "", F),
        ("HX02", "在村民(居民)代表会议上提出建议被采纳", 3, "p", "q2", "e", F),
        ("HX03", "参加村(社区)换届选举投票", 2, "p", "y1", "n", F),
        ("HX04", "参加道德讲堂、新时代文明实践活动", 2, "p", "m2", "", F),
        ("HX05", "参加志愿服务活动（半天）", 2, "p", "m4", "e", PS),
        ("HX06", "参加志愿服务活动（一天及以上）", 4, "p", "m2", "e", PS),
        ("HX07", "注册志愿者并加入村(社区)志愿服务队", 3, "p", "y1", "", PS),
        ("HX08", "无偿献血", 10, "p", "y2", "e", PS),
        ("HX09", "登记捐献造血干细胞或遗体器官", 20, "p", "y1", "ef", PS),
        ("HX10", "为困难群众、受灾地区捐款捐物", 3, "ph", "q2", "e", PS),
        ("HX11", "认领并完成困难群众“微心愿”", 3, "p", "m2", "e", PS),
        ("HX12", "婚事新办、不收不要高价彩礼", 5, "h", "y1", "e", F),
        ("HX13", "丧事简办、文明祭扫", 5, "h", "y1", "", F),
        ("HX14", "节庆期间遵守禁放规定、文明过节", 2, "h", "y2", "", EN),
        ("HX15", "参加全民健身、村(社区)文体活动并获奖", 3, "p", "y3", "e", F),
        ("HX16", "参加农民夜校、职业技能培训并结业", 3, "p", "y2", "e", IN),
        ("HX17", "自主创业并带动村民就业", 10, "p", "y1", "e", IN),
        ("HX18", "发展特色种养、家庭农场或合作社", 5, "ph", "y1", "e", IN),
        ("HX19", "获评县级以上“致富能手”", 10, "p", "y1", "ef", IN),
        ("HX20", "帮助困难户发展生产、代销农产品", 4, "p", "q2", "e", IN),
        ("HX21", "为村集体经济项目义务投工投劳", 3, "p", "m2", "", PS),
        ("HX22", "按时足额缴纳城乡居民医保、养老保险", 2, "h", "y1", "n", F),
        ("HX23", "按村里安排完成春耕、秋播生产", 2, "h", "y2", "", IN),
        ("HX24", "配合人口普查、农业普查等统计调查", 2, "h", "y1", "n", F),
        ("HX25", "配合项目建设按时签约、腾地", 5, "h", "y1", "n", F),
        ("HX26", "参加义务植树、公共绿地管护", 2, "p", "q1", "", EN),
        ("HX27", "参加村湾公共区域卫生大扫除", 2, "p", "m2", "", EN),
        ("HX28", "主动疏通沟渠、修补村组道路", 3, "p", "m2", "e", PS),
        ("HX29", "评为“清洁家庭”（庭院整洁、物品有序）", 3, "h", "m1", "n", EN),
        ("HX30", "落实“门前三包”", 2, "ho", "m1", "n", EN),
        ("HX31", "生活垃圾分类投放、定点倾倒", 1, "h", "m2", "", EN),
        ("HX32", "房前屋后种花植绿、美化庭院", 2, "h", "q1", "e", EN),
        ("HX33", "完成改厕改水、生活污水不乱排", 3, "h", "y1", "e", EN),
        ("HX34", "秸秆还田或综合利用、全年不焚烧", 2, "h", "y2", "", EN),
        ("HX35", "家禽圈养、文明养犬", 1, "h", "q1", "", EN),
        ("HX36", "节约用水用电、绿色出行", 1, "p", "q1", "", F),
        ("HX37", "爱护公共设施，发现损坏及时报修", 2, "p", "m1", "", PS),
        ("HX38", "在网上传播正能量、不信谣不传谣", 1, "p", "m2", "", F),
        ("HX39", "获“最美沙洋人”等评选提名", 5, "p", "y1", "e", F),
        ("HX40", "获评县级“最美家庭”“文明家庭”", 10, "h", "y1", "e", F),
        ("HX41", "获评市级以上“最美家庭”“文明家庭”", 20, "h", "y1", "ef", F),
        ("HX42", "党员亮身份、佩戴党徽参加活动", 1, "m", "m1", "", F),
        ("HX43", "党员按时参加“三会一课”、主题党日", 2, "m", "m1", "n", F),
        ("HX44", "党员按时足额交纳党费", 1, "m", "m1", "n", F),
        ("HX45", "党员结对帮扶困难户、联系服务群众", 3, "m", "m2", "e", F),
        ("HX46", "下沉党员到社区报到并参加活动", 3, "m", "m2", "", PS),
        ("HX47", "党员公开承诺事项按期兑现", 3, "m", "q1", "", F),
        ("HX48", "单位与村(社区)共驻共建、结对帮扶", 5, "o", "q2", "e", F),
        ("HX49", "单位开放场地设施服务群众", 3, "o", "q2", "", F),
        ("HX50", "单位组织职工参加志愿服务", 3, "o", "m2", "e", PS),
        ("HX51", "社团组织开展公益服务活动", 4, "o", "m2", "e", PS),
        ("HX52", "社团组织参与移风易俗宣传", 3, "o", "q1", "", F),
        ("HX53", "工作人员按时坐班、为群众代办事项", 2, "s", "m1", "n", F),
        ("HX54", "工作人员入户走访全覆盖", 3, "s", "m1", "n", F),
        ("HX55", "工作人员按时审核积分申报、不超时", 2, "s", "m1", "n", F),
        ("HX56", "参加“积分分享大会”并分享事迹", 2, "p", "q1", "", F),
        ("HX57", "带头参与人居环境整治、拆除违建", 5, "ph", "y1", "e", EN),
    ],
    "SD": [
        ("SD01", "孝敬赡养父母、照料生活起居", 3, "p", "m1", "", IL),
        ("SD02", "长期照顾患病、失能老人", 5, "p", "m1", "e", IL),
        ("SD03", "照顾孤寡、空巢老人", 3, "p", "m2", "", IL),
        ("SD04", "陪同老人体检、就医", 2, "p", "m2", "", IL),
        ("SD05", "为老人祝寿、陪伴慰问", 1, "p", "m1", "", IL),
        ("SD06", "在外务工子女常回家看望老人", 2, "p", "m1", "", IL),
        ("SD07", "关爱留守儿童、辅导功课", 2, "p", "m2", "", IL),
        ("SD08", "夫妻和睦、全年无家庭纠纷", 5, "h", "y1", "n", IL),
        ("SD09", "婆媳(翁婿)相处融洽", 3, "h", "y1", "n", IL),
        ("SD10", "兄弟姐妹共同赡养老人、无推诿", 3, "h", "y1", "", IL),
        ("SD11", "重视子女教育、家庭教育", 2, "h", "y1", "", F),
        ("SD12", "子女考入大学", 5, "h", "y1", "e", F),
        ("SD13", "子女应征入伍", 10, "h", "y1", "ef", F),
        ("SD14", "订立家规家训、传承良好家风", 3, "h", "y1", "e", IL),
        ("SD15", "获评“好媳妇”“好婆婆”“孝老之星”", 5, "p", "y1", "e", IL),
        ("SD16", "农忙时帮邻居收种、看护", 2, "p", "m2", "", NB),
        ("SD17", "主动劝和邻里之间的小矛盾", 3, "p", "m2", "e", NB),
        ("SD18", "地界、宅基地纠纷主动协商让步", 5, "h", "y1", "e", NB),
        ("SD19", "邻居有难主动伸出援手", 2, "p", "m2", "", NB),
        ("SD20", "帮邻居照看留守老人、儿童", 2, "p", "m2", "", NB),
        ("SD21", "红白喜事相互帮衬、不攀比", 2, "h", "q1", "", NB),
        ("SD22", "与邻为善、全年无邻里纠纷", 3, "h", "y1", "n", NB),
        ("SD23", "参加邻里节、百家宴等睦邻活动", 1, "p", "q1", "", NB),
        ("SD24", "拾金不昧（价值 200 元以下）", 2, "p", "m3", "e", F),
        ("SD25", "拾金不昧（价值 200 元及以上）", 5, "p", "m3", "e", F),
        ("SD26", "扶老携幼、帮助残疾人出行", 2, "p", "m2", "", NB),
        ("SD27", "公共场所文明排队、礼让他人", 1, "p", "m1", "", F),
        ("SD28", "见义勇为", 20, "p", "", "ef", F),
        ("SD29", "救助落水、受伤等危难群众", 10, "p", "", "ef", F),
        ("SD30", "参加抢险救灾、防汛抗旱", 5, "p", "m2", "e", PS),
        ("SD31", "参加森林防火、疫情防控值守", 3, "p", "m4", "e", PS),
        ("SD32", "为村(社区)修路架桥出资出力", 5, "pho", "y2", "e", PS),
        ("SD33", "义务为村民理发、维修家电", 2, "p", "m4", "", PS),
        ("SD34", "爱护公共绿化、不踩踏不毁损", 1, "p", "q1", "", EN),
        ("SD35", "参加爱国卫生运动", 2, "p", "q2", "", EN),
        ("SD36", "遵守交通规则、文明驾驶", 1, "p", "q1", "", F),
        ("SD37", "劝阻乱扔乱倒等不文明行为", 1, "p", "m2", "", EN),
        ("SD38", "个体工商户诚信经营、明码标价", 3, "po", "q1", "", F),
        ("SD39", "守合同重信用、按时归还贷款", 2, "ph", "y1", "n", F),
        ("SD40", "爱岗敬业受到所在单位表彰", 3, "p", "y1", "e", F),
        ("SD41", "获评县级以上劳动模范、先进工作者", 10, "p", "y1", "ef", IN),
        ("SD42", "单位依法足额发放工资、无欠薪", 5, "o", "y1", "n", F),
        ("SD43", "单位安全生产、全年无责任事故", 5, "o", "y1", "n", F),
        ("SD44", "单位吸纳本村(社区)劳动力就业", 5, "o", "y1", "e", F),
        ("SD45", "单位支持村(社区)公益事业", 5, "o", "q2", "e", PS),
        ("SD46", "商户文明经营、门前整洁", 2, "o", "m1", "n", EN),
        ("SD47", "医生、教师等服务群众获书面好评", 2, "p", "q1", "e", F),
        ("SD48", "勤俭节约、不铺张浪费", 1, "p", "q1", "", F),
        ("SD49", "勤劳务工、靠双手增收致富", 3, "p", "y1", "", IN),
        ("SD50", "主动退出不再符合条件的救助待遇", 5, "h", "y1", "e", F),
        ("SD51", "脱贫户稳定增收、不返贫", 3, "h", "y1", "n", IN),
        ("SD52", "学习新技术、科学种田养殖", 2, "p", "q1", "", IN),
        ("SD53", "参加读书活动、农家书屋借阅", 1, "p", "m1", "", F),
        ("SD54", "诚实守信、借钱按时归还", 1, "p", "q1", "", F),
        ("SD55", "戒除酗酒、赌博等不良习气", 3, "p", "y1", "e", F),
        ("SD56", "待人和气、文明用语", 1, "p", "q1", "", NB),
        ("SD57", "帮助新迁入居民、流动人口融入", 2, "p", "q1", "", NB),
        ("SD58", "为孝心基金、慈善募捐出资", 2, "ph", "q2", "e", IL),
        ("SD59", "工作人员主动为群众办实事", 2, "s", "m2", "n", PS),
        ("SD60", "工作人员按时参加“123综治例会”", 2, "s", "m3", "n", F),
        ("SD61", "工作人员受到群众书面表扬", 3, "s", "q2", "en", F),
        ("SD62", "社团组织开展助老、助残活动", 4, "o", "m2", "e", IL),
        ("SD63", "获评“五好家庭”", 5, "h", "y1", "e", IL),
        ("SD64", "照顾重病、残疾家庭成员不离不弃", 5, "p", "q1", "e", IL),
        ("SD65", "带头赡养协议签订并履行", 3, "h", "y1", "n", IL),
        ("SD66", "主动帮扶邻居家留守妇女、独居老人", 2, "p", "m2", "", NB),
        ("SD67", "参与“湾长理事”、居民自治管理", 3, "p", "q1", "", NB),
        ("SD68", "单位职工文明守礼、服务获群众好评", 2, "o", "q1", "n", F),
        ("SD69", "主动公示家庭积分、接受群众监督", 1, "h", "y1", "", F),
        ("SD70", "参加“好人好事”宣讲、身边榜样分享", 2, "p", "q2", "", F),
        ("SD71", "尊师重教、支持村(社区)教育事业", 2, "pho", "y1", "e", F),
        ("SD72", "带头清理房前屋后柴草杂物", 2, "h", "q1", "", EN),
        ("SD73", "农房外立面整洁、院落干净", 2, "h", "q1", "n", EN),
        ("SD74", "参与孝老爱亲文艺演出、事迹宣讲", 2, "p", "q1", "", IL),
    ],
    "PA": [
        ("PA01", "参加平安法治宣传活动", 1, "p", "m2", "", F),
        ("PA02", "参加“法律明白人”培训并考核合格", 5, "p", "y1", "e", F),
        ("PA03", "担任“法律明白人”“法治带头人”开展普法", 3, "p", "m2", "", F),
        ("PA04", "学习《民法典》、参加法律知识竞赛", 2, "p", "q2", "", F),
        ("PA05", "参加法治讲座、旁听庭审", 2, "p", "q2", "", F),
        ("PA06", "家庭成员全年无违法犯罪记录", 5, "h", "y1", "n", F),
        ("PA07", "获评“法治家庭示范户”", 10, "h", "y1", "en", F),
        ("PA08", "依法理性表达诉求、不越级上访", 3, "p", "y1", "n", F),
        ("PA09", "反映的社情民意、矛盾隐患经核实有效", 2, "p", "m10", "n", F),
        ("PA10", "报告消防、安全生产隐患经核实", 2, "p", "m4", "e", F),
        ("PA11", "志愿调解矛盾纠纷成功", 5, "p", "m4", "n", NB),
        ("PA12", "在“义工调解室”值班", 2, "p", "m4", "", NB),
        ("PA13", "劝解家庭、邻里纠纷，避免矛盾激化", 3, "p", "m2", "e", NB),
        ("PA14", "参加村湾治安巡逻、“十户联防”轮巡", 2, "p", "m8", "", PS),
        ("PA15", "担任平安中心户长、平安楼栋长并履职", 3, "p", "m1", "n", F),
        ("PA16", "参加家长志愿护学岗值勤", 2, "p", "m8", "", PS),
        ("PA17", "家门口安装视频监控并接入“雪亮工程”", 5, "h", "y1", "e", F),
        ("PA18", "安装智能门锁、家庭防盗设施", 2, "h", "y1", "e", F),
        ("PA19", "协助寻找走失老人、儿童", 5, "p", "", "e", NB),
        ("PA20", "协助公安机关抓获违法犯罪嫌疑人", 10, "p", "", "cf", F),
        ("PA21", "提供治安信息经查属实", 3, "p", "m4", "c", F),
        ("PA22", "举报黄赌毒线索经查属实", 5, "p", "", "cf", F),
        ("PA23", "参加禁毒宣传、协助帮教吸毒人员", 3, "p", "q2", "", F),
        ("PA24", "帮教社区矫正、刑满释放人员", 3, "p", "q2", "n", F),
        ("PA25", "精神障碍患者监护人落实看护责任", 3, "p", "m1", "n", F),
        ("PA26", "安装国家反诈中心 APP 并转发提醒亲友", 1, "p", "y1", "", F),
        ("PA27", "识破并劝阻电信网络诈骗", 5, "p", "", "e", F),
        ("PA28", "出租房屋登记、流动人口信息申报", 2, "h", "y1", "n", F),
        ("PA29", "配齐消防器材、不私拉乱接电线", 2, "h", "y1", "e", F),
        ("PA30", "参加应急演练、消防演练", 2, "p", "q2", "", F),
        ("PA31", "配合安全隐患排查并整改到位", 2, "ho", "q2", "n", F),
        ("PA32", "单位落实治安保卫、内部安全制度", 3, "o", "q1", "n", F),
        ("PA33", "单位开展矛盾纠纷自查自调", 3, "o", "q1", "", F),
        ("PA34", "交通安全劝导、不酒驾不超载", 1, "p", "q1", "", F),
        ("PA35", "参加“平安家庭”创建并达标", 5, "h", "y1", "n", F),
        ("PA36", "遇纠纷主动申请调解、依法维权", 2, "p", "y2", "", NB),
    ],
    "SH": [
        ("SH01", "参加扫黑除恶宣传活动", 1, "p", "m2", "", F),
        ("SH02", "转发扫黑除恶宣传、知晓举报渠道", 1, "p", "q1", "", F),
        ("SH03", "提供涉黑涉恶线索经查属实", 20, "p", "", "cf", F),
        ("SH04", "提供“村霸”、宗族恶势力线索经核实", 15, "p", "", "cf", F),
        ("SH05", "提供涉黑涉恶“保护伞”线索经核实", 20, "p", "", "cf", F),
        ("SH06", "举报非法放贷、“套路贷”经核实", 10, "p", "", "cf", F),
        ("SH07", "举报强揽工程、欺行霸市经核实", 10, "p", "", "cf", F),
        ("SH08", "举报非法采砂、采矿经核实", 10, "p", "", "cf", F),
        ("SH09", "举报干扰破坏基层选举经核实", 10, "p", "", "cf", F),
        ("SH10", "举报黑恶势力插手矛盾纠纷经核实", 10, "p", "", "cf", F),
        ("SH11", "协助排查涉黑涉恶隐患", 3, "p", "m2", "n", F),
        ("SH12", "出庭作证、配合办案", 10, "p", "", "cf", F),
        ("SH13", "抵制黑恶势力拉拢、不参与不纵容", 5, "p", "y1", "c", F),
        ("SH14", "劝说涉黑涉恶人员投案自首", 10, "p", "", "cf", F),
        ("SH15", "党员带头签订扫黑除恶承诺书", 1, "m", "y1", "", F),
        ("SH16", "参加扫黑除恶知识测试合格", 2, "p", "y1", "", F),
        ("SH17", "单位开展行业乱象自查自纠", 5, "o", "y1", "n", F),
        ("SH18", "单位张贴扫黑除恶宣传品、设举报箱", 2, "o", "y1", "e", F),
        ("SH19", "工作人员摸排涉黑涉恶线索并上报", 3, "s", "m2", "n", F),
        ("SH20", "工作人员入户开展扫黑除恶宣传", 2, "s", "m2", "n", F),
        ("SH21", "家庭成员全年无涉黑涉恶行为", 2, "h", "y1", "n", F),
        ("SH22", "工作人员清廉履职、全年无违纪", 5, "s", "y1", "n", F),
        ("SH23", "提供涉黑涉恶资产线索经核实", 10, "p", "", "cf", F),
        ("SH24", "参加平安志愿者扫黑除恶宣讲", 3, "p", "q2", "", F),
    ],
}

# 扣分项 (宣城 法治家庭示范户 评分细则 and village rules): never declared, set by the grid worker or
# the village, appealable once. (code, category, name, points, who, cap, flags, star)
DEDUCTIONS = [
    ("KF01", "SD", "夫妻经常吵闹、影响邻里", -6, "h", "", "", F),
    ("KF02", "SD", "邻里见难不帮", -2, "ph", "", "", NB),
    ("KF03", "SD", "不赡养、虐待老人", -10, "ph", "", "f", IL),
    ("KF04", "SD", "打骂、遗弃未成年人", -10, "p", "", "f", IL),
    ("KF05", "SD", "邻里之间恶语相向、打架斗殴", -5, "p", "", "", NB),
    ("KF06", "SD", "婚丧喜庆大操大办、铺张攀比", -3, "h", "", "", F),
    ("KF07", "SD", "拾到他人财物据为己有", -3, "p", "", "", F),
    ("KF08", "SD", "失信被执行、恶意拖欠借款", -5, "ph", "", "", F),
    ("KF09", "HX", "乱扔垃圾、乱倒污水", -2, "ph", "", "", EN),
    ("KF10", "HX", "焚烧秸秆、垃圾", -5, "h", "", "", EN),
    ("KF11", "HX", "乱搭乱建、占道堆放杂物", -3, "ho", "", "", EN),
    ("KF12", "HX", "散养家禽、放任犬只扰民伤人", -2, "h", "", "", EN),
    ("KF13", "HX", "损毁公共设施、公共绿化", -5, "pho", "", "", PS),
    ("KF14", "HX", "违反规定燃放烟花爆竹", -2, "h", "", "", EN),
    ("KF15", "HX", "无正当理由拒不配合村(社区)公共事务", -3, "h", "", "", F),
    ("KF16", "PA", "参与赌博、封建迷信活动", -5, "p", "", "", F),
    ("KF17", "PA", "无理缠访、闹访", -5, "p", "", "", F),
    ("KF18", "PA", "吸食毒品", -10, "p", "", "f", F),
    ("KF19", "PA", "私拉乱接电线、占用消防通道", -2, "ho", "", "", F),
    ("KF20", "PA", "酒后驾驶、无证驾驶", -5, "p", "", "", F),
    ("KF21", "PA", "单位发生安全生产责任事故", -10, "o", "", "f", F),
    ("KF22", "PA", "单位拖欠农民工工资", -10, "o", "", "f", F),
    ("KF23", "SH", "为黑恶势力通风报信、提供庇护", -20, "p", "", "f", F),
    ("KF24", "SD", "工作人员推诿扯皮、群众投诉属实", -3, "s", "", "", F),
]

# The item each event in another module awards, unless the county has chosen otherwise.
MAPPINGS = {AwardEvent.CASE_REPORT_USEFUL: "PA09", AwardEvent.MEDIATION_SUCCESS: "PA11"}

CAP_PERIODS = {"m": "month", "q": "quarter", "y": "year"}


def _bounds(points: int, fixed: bool) -> tuple[int | None, int | None]:
    """The range a village may set an item's points in: half to double the county's."""
    if fixed:
        return None, None
    if points > 0:
        return max(1, points // 2), points * 2
    return points * 2, min(-1, -(-points // 2))


def _row(code: str, category: str, name: str, points: int, who: str, cap: str, flags: str, star: str) -> dict:
    subjects = [s for letter in who for s in WHO[letter]]
    low, high = _bounds(points, "f" in flags)
    if "s" in who:
        roles = ROLES_STAFF
    elif "c" in flags:
        roles = ROLES_CONFIDENTIAL
    else:
        roles = ROLES_DEFAULT
    return {
        "code": code, "category": category, "name": name, "points": points, "subjects": subjects,
        "needs_evidence": "e" in flags, "declarable": points > 0 and not ({"n", "c"} & set(flags)),
        "cap_times": int(cap[1:]) if cap else None, "cap_period": CAP_PERIODS[cap[0]] if cap else "",
        "award_roles": roles, "min_points": low, "max_points": high, "star": str(star),
    }  # fmt: skip


def rows() -> list[dict]:
    """Every item of the catalogue as field values of PointItem (category by code)."""
    out = [_row(code, category, *rest) for category, items in ITEMS.items() for code, *rest in items]
    out += [_row(code, category, *rest) for code, category, *rest in DEDUCTIONS]
    return out


@dataclass
class LoadResult:
    county: str
    created: int = 0
    existing: int = 0
    categories: int = 0
    mappings: dict = field(default_factory=dict)  # event -> item code, for the mappings set now


@transaction.atomic
def load(*, county_code: str, actor=None) -> LoadResult:
    """Give a county this catalogue: the categories, every item it does not have yet (by code) and
    the two award mappings it has not chosen yet. What the county already has is left as it is, so
    a second run changes nothing and a county's own edits survive."""
    area = Area.objects.filter(pk=(county_code or "").strip()).first()
    if area is None:
        raise DomainError(f"区划代码 {county_code} 不存在，请先导入区划。", field="county")
    if area.level not in (Level.COUNTY, Level.CITY):
        raise DomainError(
            f"积分目录由县(区)或市制定，{area.name}是{area.get_level_display()}。", field="county"
        )
    result = LoadResult(county=area.code)
    categories = {}
    for code, name, order in CATEGORIES:
        categories[code], created = PointCategory.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        result.categories += created
    have = set(PointItem.objects.filter(area=area).values_list("code", flat=True))
    new = []
    for row in rows():
        if row["code"] in have:
            result.existing += 1
            continue
        new.append(PointItem(area=area, **{**row, "category": categories[row["category"]]}))
    PointItem.objects.bulk_create(new)
    result.created = len(new)
    mapped = set(AwardMapping.objects.filter(area=area).values_list("event", flat=True))
    for event, code in MAPPINGS.items():
        item = PointItem.objects.filter(area=area, code=code, active=True, points__gt=0).first()
        if event not in mapped and item is not None:
            AwardMapping.objects.create(area=area, event=event, item=item)
            result.mappings[str(event)] = code
    if result.created or result.categories or result.mappings:
        audit_record(actor=actor, action="points.catalogue_load", object_type="area", object_id=area.code,
                     area_code=area.code, details={"created": result.created, "existing": result.existing,
                                                   "categories": result.categories, "mappings": result.mappings})  # fmt: skip
    return result
