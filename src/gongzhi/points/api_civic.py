"""API: points civic."""

from ninja import Router

router = Router(tags=["积分"])
