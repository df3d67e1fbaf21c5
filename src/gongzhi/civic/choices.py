"""Choices of 法治家庭 and the 红黑榜."""

from django.db import models


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
