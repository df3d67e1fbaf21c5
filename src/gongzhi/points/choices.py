"""Code lists of the 积分制: subjects, entry kinds, periods, shop and honour vocabularies."""

from django.db import models


class Subject(models.TextChoices):
    """The five 积分主体 of 沙洋/荆门."""

    RESIDENT = "resident", "居民"
    PARTY_MEMBER = "party_member", "党员"
    HOUSEHOLD = "household", "家庭"
    ORGANIZATION = "organization", "单位/社团"
    STAFF = "staff", "村(社区)工作人员"


class EntryKind(models.TextChoices):
    AWARD = "award", "加分"
    DEDUCTION = "deduction", "扣分"
    REDEMPTION = "redemption", "兑换"
    REFUND = "refund", "退还"
    ADJUSTMENT = "adjustment", "更正"


# Kinds that measure conduct (rankings, honours); redemptions and refunds only move the balance.
SCORE_KINDS = (EntryKind.AWARD, EntryKind.DEDUCTION, EntryKind.ADJUSTMENT)


class Source(models.TextChoices):
    DECLARATION = "declaration", "积分申报"
    DIRECT = "direct", "直接评定"
    CASE_REPORT = "case_report", "说事/随手拍核实"
    MEDIATION = "mediation", "志愿调解成功"
    REDEMPTION = "redemption", "积分超市兑换"
    APPEAL = "appeal", "扣分申诉"
    CORRECTION = "correction", "更正冲销"
    IMPORT = "import", "历史台账导入"


class CapPeriod(models.TextChoices):
    NONE = "", "不限"
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class Star(models.TextChoices):
    """贺集村's five 积分之星 categories."""

    FILIAL = "filial", "孝老爱亲"
    NEIGHBOURLY = "neighbourly", "邻里和睦"
    INDUSTRIOUS = "industrious", "勤劳致富"
    PUBLIC_SERVICE = "public_service", "公益劳动"
    ENVIRONMENT = "environment", "人居环境"


class AwardEvent(models.TextChoices):
    """Events in other modules that award points through the one door (ledger.award_for)."""

    CASE_REPORT_USEFUL = "case_report_useful", "居民说事/随手拍经核实有效"
    MEDIATION_SUCCESS = "mediation_success", "志愿者调解成功"


class DeclarationStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待裁定"
    UPHELD = "upheld", "维持扣分"
    OVERTURNED = "overturned", "撤销扣分"


class RewardKind(models.TextChoices):
    GOODS = "goods", "物质奖励"
    SERVICE = "service", "兑换服务"
    POLICY = "policy", "政策激励"
    HONOUR = "honour", "精神奖励"


class RedemptionStatus(models.TextChoices):
    PENDING = "pending", "待领取"
    FULFILLED = "fulfilled", "已领取"
    CANCELLED = "cancelled", "已取消"
