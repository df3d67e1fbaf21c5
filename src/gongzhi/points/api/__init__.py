"""API /api/v1/points/…: the core router (accounts and ledgers, catalogue, declarations) with the
shop and the honours mounted under it. 法治家庭 and 红黑榜 (/points/civic) are the civic app's."""

from ninja import Router

from ..honours.api import router as honours_router
from ..shop.api import router as shop_router
from .accounts import router as core_router

router = Router(tags=["积分"])
router.add_router("", core_router)
router.add_router("/shop", shop_router)
# The public path stays /boards (clients use it); the code calls the concept honours.
router.add_router("/boards", honours_router)
