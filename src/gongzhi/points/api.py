"""API /api/v1/points/…: one router per part, mounted together."""

from ninja import Router

from .api_boards import router as boards_router
from .api_civic import router as civic_router
from .api_core import router as core_router
from .api_shop import router as shop_router

router = Router(tags=["积分"])
router.add_router("", core_router)
router.add_router("/shop", shop_router)
router.add_router("/boards", boards_router)
router.add_router("/civic", civic_router)
