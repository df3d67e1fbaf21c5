"""Code lists for cases: channels, kinds, dispute categories, urgency, statuses, actions."""

from django.db import models


class Channel(models.TextChoices):
    H5 = "h5", "随手拍/H5"
    APP = "app", "小程序/APP"
    HOTLINE = "hotline", "热线"
    VISIT = "visit", "来访/信访"
    GRID = "grid", "网格员上报"
    BOX = "box", "说事箱"
    ASSIGNED = "assigned", "上级交办"


class Kind(models.TextChoices):
    DISPUTE = "dispute", "矛盾纠纷"
    SECURITY = "security", "治安隐患"
    SAFETY = "safety", "安全隐患"
    SANITATION = "sanitation", "环境卫生"
    LIVELIHOOD = "livelihood", "民生诉求"
    ADVICE = "advice", "咨询建议"
    EMERGENCY = "emergency", "突发事件"


class Category(models.TextChoices):
    """矛盾纠纷 categories (design.md §6)."""

    FAMILY = "family", "婚姻家庭"
    NEIGHBOUR = "neighbour", "邻里"
    LAND = "land", "土地/山林/水利权属"
    HOMESTEAD = "homestead", "宅基地"
    DEMOLITION = "demolition", "征地拆迁"
    LABOUR = "labour", "劳资"
    PROPERTY = "property", "物业"
    MEDICAL = "medical", "医患"
    CONTRACT = "contract", "合同"
    POLLUTION = "pollution", "环境污染"
    TRAFFIC = "traffic", "交通事故"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    MAJOR = "major", "重大"


class Concern(models.TextChoices):
    LOW = "low", "一般"
    MEDIUM = "medium", "中等"
    HIGH = "high", "严重"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    REJECTED = "rejected", "不予受理"
    ACCEPTED = "accepted", "已受理"
    ASSIGNED = "assigned", "处置中"
    RESOLVED = "resolved", "已办结待核查"
    CLOSED = "closed", "已结案"
    MERGED = "merged", "已合并"


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.RESOLVED)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class Supervision(models.TextChoices):
    NONE = "", "无"
    NORMAL = "normal", "普通督办"
    YELLOW = "yellow", "黄牌督办"
    RED = "red", "红牌督办"


class Action(models.TextChoices):
    SUBMIT = "submit", "上报/登记"
    ACCEPT = "accept", "受理"
    REJECT = "reject", "不予受理"
    ASSIGN = "assign", "派遣"
    NOTE = "note", "处置记录"
    RETURN = "return", "退回"
    RESOLVE = "resolve", "办结"
    VERIFY = "verify", "核查结案"
    REOPEN = "reopen", "核查不通过"
    ESCALATE = "escalate", "上报上级"
    DELEGATE = "delegate", "下派"
    EXTEND_REQUEST = "extend_request", "申请延期"
    EXTEND_DECIDE = "extend_decide", "延期审批"
    SUPERVISE = "supervise", "督办"
    RATE = "rate", "评价"
    REVISIT = "revisit", "回访"
    MERGE = "merge", "合并"
    OVERDUE = "overdue", "超期"
    REPORT_UP = "report_up", "紧急上报"
    MEDIATE = "mediate", "调解"
