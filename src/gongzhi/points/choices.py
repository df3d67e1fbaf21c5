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


class LawAspect(models.TextChoices):
    """宣城 法治家庭示范户: the eight aspects of the rating."""

    LAW_ABIDING = "law_abiding", "遵纪守法"
    HARMONY = "harmony", "家庭和睦"
    RIGHTS = "rights", "依法维权"
    STUDY = "study", "学法用法"
    INTEGRITY = "integrity", "诚实守信"
    NEIGHBOURS = "neighbours", "邻里互助"
    CUSTOMS = "customs", "移风易俗"
    PUBLIC_ORDER = "public_order", "维护公序"


class LawFamilyStatus(models.TextChoices):
    CERTIFIED = "certified", "法治家庭"
    FAILED = "failed", "未达标"
    VETOED = "vetoed", "一票否决"
    REVOKED = "revoked", "已撤销"


class BoardList(models.TextChoices):
    RED = "red", "红榜"
    BLACK = "black", "黑榜"


class ReviewStage(models.TextChoices):
    NOMINATING = "nominating", "提名中"
    REVIEWING = "reviewing", "评议中"
    PUBLISHED = "published", "公示中"
    CLOSED = "closed", "已结束"


class NominationStatus(models.TextChoices):
    PENDING = "pending", "待评议"
    ACCEPTED = "accepted", "上榜"
    REJECTED = "rejected", "未上榜"
    CLEARED = "cleared", "已整改销号"
