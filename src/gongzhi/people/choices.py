"""Code lists of GB/T 31000 data items (GB/T 2261, GB 3304, GB/T 4761, GB/T 4762 …)."""

from django.db import models


class Gender(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


class PersonKind(models.TextChoices):
    REGISTERED = "registered", "户籍人口"
    FLOATING = "floating", "流动人口"
    FOREIGN = "foreign", "境外人员"
    UNSETTLED = "unsettled", "未落户人员"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MO_TW = "hmt_permit", "港澳台居民居住证/通行证"
    FOREIGN_PR = "foreign_pr", "外国人永久居留身份证"
    OTHER = "other", "其他证件"


ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]  # fmt: skip
Ethnicity = models.TextChoices("Ethnicity", [(e, e) for e in ETHNICITIES + ["外国血统", "其他"]])


class PoliticalStatus(models.TextChoices):
    CPC = "中共党员", "中共党员"
    CPC_PROBATIONARY = "中共预备党员", "中共预备党员"
    CYL = "共青团员", "共青团员"
    DEMOCRATIC_PARTY = "民主党派", "民主党派"
    NONPARTISAN = "无党派人士", "无党派人士"
    MASSES = "群众", "群众"


class Education(models.TextChoices):
    POSTGRADUATE = "研究生", "研究生"
    BACHELOR = "大学本科", "大学本科"
    COLLEGE = "大学专科", "大学专科"
    SECONDARY_VOCATIONAL = "中专/中技", "中专/中技"
    HIGH_SCHOOL = "高中", "高中"
    JUNIOR = "初中", "初中"
    PRIMARY = "小学", "小学"
    ILLITERATE = "文盲或半文盲", "文盲或半文盲"


class MaritalStatus(models.TextChoices):
    SINGLE = "未婚", "未婚"
    MARRIED = "已婚", "已婚"
    WIDOWED = "丧偶", "丧偶"
    DIVORCED = "离婚", "离婚"
    UNKNOWN = "未说明", "未说明"


class Relation(models.TextChoices):
    """与户主关系 (GB/T 4761, grouped)."""

    HEAD = "户主", "户主"
    SPOUSE = "配偶", "配偶"
    SON = "子", "子"
    DAUGHTER = "女", "女"
    SON_IN_LAW = "女婿", "女婿"
    DAUGHTER_IN_LAW = "儿媳", "儿媳"
    GRANDCHILD = "孙子女", "孙子女"
    PARENT = "父母", "父母"
    GRANDPARENT = "祖父母", "祖父母"
    SIBLING = "兄弟姐妹", "兄弟姐妹"
    OTHER = "其他", "其他"


class Tag(models.TextChoices):
    DEPUTY = "npc_deputy", "人大代表"
    CPPCC = "cppcc_member", "政协委员"
    HOUSEHOLD_LEADER = "household_leader", "中心户长"
    BUILDING_LEADER = "building_leader", "楼栋长"
    DEFENCE_LEADER = "defence_leader", "户防长"
    FIVE_ELDERS = "five_elders", "五老"
    VOLUNTEER = "volunteer", "志愿者"
    GRID_WORKER = "grid_worker", "网格员"
    MEDIATOR = "mediator", "调解员"
    VETERAN = "veteran", "退役军人"
    LEFT_BEHIND_CHILD = "left_behind_child", "留守儿童"
    EMPTY_NEST_ELDER = "empty_nest_elder", "空巢老人"
    DISABLED = "disabled", "残疾人"
    LOW_INCOME = "low_income", "低保户"
    RELOCATED = "relocated", "易地搬迁"


class CareColour(models.TextChoices):
    GREEN = "green", "绿 · 放心户"
    YELLOW = "yellow", "黄 · 关心户"
    RED = "red", "红 · 连心户"


class OrgKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL = "individual", "个体工商户"
    SOCIAL_ORG = "social_org", "社会组织"
    GOVERNMENT = "government", "机关事业单位"
    SCHOOL = "school", "学校"
    HOSPITAL = "hospital", "医院/卫生院"
    PRISON = "prison", "监所"
    RELIGIOUS = "religious", "宗教场所"
    OTHER = "other", "其他"


# Items each 人口类型 carries beyond the core (GB/T 31000 流动人口/境外人员/未落户人员), with labels.
EXTRA_FIELDS: dict[str, dict[str, str]] = {
    PersonKind.REGISTERED: {},
    PersonKind.FLOATING: {
        "inflow_reason": "流入原因",
        "registered_on": "登记日期",
        # 办证类型, not the permit number: a 居住证 number is the ID number and would sit here in plaintext.
        "permit_type": "办证类型",
        "permit_expires_on": "证件到期日期",
    },
    PersonKind.FOREIGN: {
        "foreign_name": "外文姓名",
        "nationality": "国籍(地区)",
        "arrived_on": "抵达日期",
        "leave_on": "预计离开日期",
        "purpose": "来华目的",
    },
    PersonKind.UNSETTLED: {"unsettled_reason": "未落户原因", "has_certificate": "持证情况"},
}
REQUIRED_EXTRA = {
    PersonKind.FLOATING: ["inflow_reason", "registered_on"],
    PersonKind.FOREIGN: ["nationality"],
}
DATE_EXTRA = {"registered_on", "permit_expires_on", "arrived_on", "leave_on"}
INFLOW_REASONS = ["务工", "经商", "务农", "投靠亲友", "学习培训", "婚嫁", "治病", "其他"]
