"""Words and settings of the demo 积分制: which villages run it and how busily, what residents write
when they declare, why staff refuse or deduct, and what the 积分超市 offer."""

from gongzhi.points.choices import RewardKind

from . import data

# Villages that run the 积分制 in the demo, with how much goes on there: (share of adults and of
# households with an account, deeds a year per account). 贺集村 and 郭店村 are the seed's showcases
# (郭店村: eight 分享大会, 452 villagers rewarded); the others are named in the seed as well.
ACTIVE = {
    data.HEJI: (0.5, 4.5),  # 贺集村, 高阳镇
    data.GUODIAN: (0.9, 7.5),  # 郭店村, 纪山镇
    "420822100002": (0.3, 2.2),  # 平湖社区, 沙洋镇
    "420822100010": (0.3, 2.2),  # 洪岭社区, 沙洋镇
    "420822111202": (0.3, 2.2),  # 彭堰村, 沈集镇
    "420822107212": (0.3, 2.2),  # 苏家套村, 官垱镇
    "420822103200": (0.3, 2.2),  # 岳山村, 纪山镇
    "420822110208": (0.25, 2.0),  # neighbours of 贺集村 in 高阳镇
    "420822110210": (0.25, 2.0),
}
# Towns that also run a shop of their own (with their town staff).
TOWN_SHOPS = [data.GAOYANG]
# Each village raises or lowers a few county items within the county's bounds (贺集村 put 秸秆禁烧
# and 环境卫生 at the heart of its rules).
ADJUSTMENTS = {
    data.HEJI: [("HX27", 3, "公共区域保洁是本村积分制重点"), ("KF10", -8, "本村秸秆禁烧从严管理")],
    data.GUODIAN: [("HX23", 3, "结合乡村振兴，鼓励按时春耕秋播")],
}

# Months in which some deeds (and misdeeds) happen.
SEASONS = {
    "HX23": (3, 4, 9, 10), "HX34": (6, 10, 11), "KF10": (6, 10, 11), "SD30": (6, 7, 8), "SD31": (1, 2, 3, 12),
    "HX26": (3,), "HX14": (1, 2), "KF14": (1, 2), "SD16": (5, 6, 9, 10), "PA16": (3, 4, 5, 9, 10, 11, 12),
}  # fmt: skip
# Items that are assessed once a year (全年 …), in the first weeks of January.
YEARLY = ("SD08", "SD09", "SD22", "PA06", "PA35", "SH21", "HX22", "SD42", "SD43", "SH22", "SD51", "SD39")
# Items awarded by events in other modules (verified reports, volunteers' mediations), not at random.
BY_EVENT = ("PA09", "PA11")
# Deeds that only the county or town assesses, or that are rare enough not to be drawn at random.
RARE = ("SD28", "SD29", "HX09", "HX41", "HX19", "SD41", "SD13", "PA20", "PA22", "HX03", "HX25")

PLACES = ["一组", "二组", "三组", "四组", "五组", "村口", "村部广场", "渠道边", "村小学门口", "文化广场"]
DETAILS = ["有邻居可以作证。", "网格员当时在场。", "附现场照片。", "已告知村里。", "", "", "请村里核实。"]
# What residents write for the common deeds (others: the item's own name, with a place and a detail).
WORDS = {
    "SD01": ["给父亲擦洗、做饭，陪他去镇上复查", "把母亲接到家里照顾"],
    "SD03": ["照顾同组独居的{elder}，帮着买菜、打扫屋子", "给{elder}送去过冬的棉被"],
    "SD04": ["陪{elder}去镇卫生院体检", "带家里老人去县医院复查"],
    "SD07": ["给邻居家留守的孩子辅导作业", "暑假组织留守儿童读书"],
    "SD16": ["帮邻居抢收稻谷", "帮外出务工的邻居插秧"],
    "SD17": ["劝和了两家因排水沟闹的矛盾", "劝住了为鸡鸭进菜地吵起来的两家"],
    "SD19": ["邻居家房顶漏雨，帮着盖了油布", "深夜送邻居家发烧的孩子去卫生院"],
    "HX05": ["参加村里志愿服务队清理河道半天", "在村口帮着发放防汛宣传单"],
    "HX21": ["为村里的虾稻基地义务投工两天", "帮村集体修整晒场"],
    "HX27": ["参加村湾卫生大扫除", "和组里几户一起清理了公共厕所周边"],
    "HX28": ["下雨天把堵住的灌溉水渠疏通了", "把村组路上的坑洼填平"],
    "HX31": ["按要求把垃圾分类投放到定点", "厨余垃圾自己堆肥，其他垃圾定点投放"],
    "HX32": ["房前屋后种了花，收拾了杂物", "把院子里的旧砖瓦清走，种了月季"],
    "PA01": ["参加了村里的反诈宣传", "参加了普法文艺演出"],
    "PA14": ["参加了村湾夜间治安巡逻", "参加“十户联防”轮巡"],
    "PA16": ["在村小学门口护学岗值勤", "早上在校门口护学"],
    "SD27": ["在镇卫生院主动让老人先挂号", "排队办事时扶老人先办"],
}
ELDERS = ["王奶奶", "李爷爷", "张婆婆", "刘大爷", "陈奶奶", "周爹爹"]
REJECT_REASONS = [
    "经核实，所报情况与实际不符。",
    "照片看不清，无法认定，请补充后重新申报。",
    "该事项已由同户其他成员申报，不重复计分。",
    "不属于该积分项目的范围，请对照积分目录重新申报。",
    "发生时间不在本期，请按时申报。",
]
DIRECT_REASONS = ["经网格员核实", "村两委会议评定", "入户走访核实", "村民代表评议通过", "现场查看属实"]
DEDUCTION_REASONS = {
    "KF01": "夫妻二人多次争吵，邻居反映影响休息，经劝导仍未改善",
    "KF02": "邻居家老人摔倒求助未予理会，经村民代表评议属实",
    "KF05": "与邻居因地界争执并动手，经网格员调查属实",
    "KF06": "办酒席 40 余桌，违反村规民约",
    "KF09": "在村道边倾倒生活垃圾，经网格员现场核实",
    "KF10": "在自家田里焚烧秸秆，经劝阻后熄灭",
    "KF11": "在村道上堆放建材，影响通行，经劝导未及时清理",
    "KF12": "散养的鸡鸭进入邻居菜地，多次劝导未改",
    "KF14": "禁放期间燃放烟花爆竹",
    "KF16": "参与聚众赌博，经派出所处理",
    "KF19": "在楼道私拉电线给电动车充电",
}
APPEAL_REASONS = {
    "KF09": "当天是外村人路过倒的垃圾，不是我家，有邻居可以作证。",
    "KF12": "进菜地的鸡鸭是别家的，我家的一直圈养着，请村里再核实。",
}
CANCEL_REASONS = ["居民改换其他商品", "超市暂时缺货，协商取消", "居民申请取消"]

# 积分超市 offers: (kind, name, points, stock, monthly limit). Stock None = unlimited.
VILLAGE_REWARDS = [
    (RewardKind.GOODS, "洗衣粉（1 公斤）", 10, 80, None),
    (RewardKind.GOODS, "洗洁精", 6, 100, None),
    (RewardKind.GOODS, "毛巾两条", 8, 80, None),
    (RewardKind.GOODS, "大米（10 公斤）", 50, 30, 1),
    (RewardKind.GOODS, "食用油（5 升）", 60, 20, 1),
    (RewardKind.GOODS, "保温杯", 40, 15, None),
    (RewardKind.SERVICE, "免费理发一次", 5, None, 2),
    (RewardKind.SERVICE, "家电上门维修一次", 20, None, 1),
    (RewardKind.SERVICE, "农机代耕一亩", 30, None, None),
    (RewardKind.POLICY, "记入授信档案（信用贷款优先、利率优惠）", 100, None, 1),
    (RewardKind.HONOUR, "积分之星荣誉证书", 30, None, 1),
]
TOWN_REWARDS = [
    (RewardKind.GOODS, "电动车头盔", 80, 30, 1),
    (RewardKind.GOODS, "电饭煲", 150, 5, 1),
    (RewardKind.SERVICE, "镇卫生院健康体检一次", 60, None, 1),
    (RewardKind.POLICY, "优先推荐就业岗位", 50, None, 1),
]
MEETING_PLACES = ["村党群服务中心", "村文化广场", "村委会会议室"]
PRIZES = ["食用油一桶", "大米一袋", "洗衣粉两袋", "毛巾一套", "保温杯一个"]
RED_REASONS = ["常年照顾瘫痪在床的婆婆，邻里称赞", "带头疏通灌溉水渠，义务投工十余天", "主动调解邻里纠纷三起"]
