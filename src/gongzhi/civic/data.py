"""Default 法治家庭 扣分项 per aspect, after 宣城's 评分细则 (夫妻经常吵闹 −6, 邻里见难不帮 −2 …).

Written by us from the seed's description: the two items 宣城 names keep their points, the rest are
our own wording of what each aspect asks. A county loads them once and edits them on a page.
"""

from .choices import LawAspect

# (aspect, name, points deducted)
DEFAULT_LAW_ITEMS: list[tuple[str, str, int]] = [
    (LawAspect.LAW_ABIDING, "家庭成员受到治安管理处罚以外的行政处罚", 10),
    (LawAspect.LAW_ABIDING, "参与赌博、封建迷信等活动受到批评教育", 8),
    (LawAspect.LAW_ABIDING, "违规建房、乱搭乱建经劝导仍不整改", 6),
    (LawAspect.LAW_ABIDING, "不配合人口普查、网格信息采集等依法开展的工作", 3),
    (LawAspect.HARMONY, "夫妻经常吵闹", 6),
    (LawAspect.HARMONY, "不赡养、不孝敬老人", 10),
    (LawAspect.HARMONY, "不履行抚养、教育子女义务", 8),
    (LawAspect.HARMONY, "家庭暴力经调解仍未改正", 10),
    (LawAspect.RIGHTS, "遇到纠纷采取过激方式维权", 8),
    (LawAspect.RIGHTS, "越级上访、缠访闹访", 8),
    (LawAspect.RIGHTS, "拒不执行生效调解协议或判决", 6),
    (LawAspect.STUDY, "家庭成员不参加村组织的普法学习", 2),
    (LawAspect.STUDY, "家中无一名“法律明白人”且不愿学习", 2),
    (LawAspect.STUDY, "未成年人法治教育缺失，经提醒不改", 3),
    (LawAspect.INTEGRITY, "借款到期有能力偿还而拒不归还", 6),
    (LawAspect.INTEGRITY, "被列入失信被执行人名单", 10),
    (LawAspect.INTEGRITY, "签订的合同、协议无故违约", 4),
    (LawAspect.NEIGHBOURS, "邻里见难不帮", 2),
    (LawAspect.NEIGHBOURS, "与邻里发生纠纷且不听劝解", 4),
    (LawAspect.NEIGHBOURS, "侵占邻里或集体土地、通道", 6),
    (LawAspect.CUSTOMS, "大操大办红白喜事", 4),
    (LawAspect.CUSTOMS, "索要高额彩礼", 5),
    (LawAspect.CUSTOMS, "薄养厚葬、散埋乱葬", 4),
    (LawAspect.PUBLIC_ORDER, "乱扔垃圾、乱堆乱放影响人居环境", 2),
    (LawAspect.PUBLIC_ORDER, "损坏公共设施", 5),
    (LawAspect.PUBLIC_ORDER, "酒后滋事、扰乱公共秩序", 8),
    (LawAspect.PUBLIC_ORDER, "散布谣言、在网上发布不实信息", 6),
]
