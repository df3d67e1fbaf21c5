"""Pages of the 积分超市 under /points/shop/ (names prefixed shop_ in the points namespace)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("", v.home, name="shop_home"),
    path("redeem/", v.redeem, name="shop_redeem"),
    path("orders/", v.orders, name="shop_orders"),
    path("orders/<int:pk>/cancel/", v.cancel, name="shop_cancel"),
    path("manage/", v.manage, name="shop_manage"),
    path("manage/new/", v.shop_edit, name="shop_new"),
    path("manage/<int:pk>/", v.shop_detail, name="shop_detail"),
    path("manage/<int:pk>/edit/", v.shop_edit, name="shop_edit"),
    path("manage/<int:shop_pk>/rewards/new/", v.reward_edit, name="shop_reward_new"),
    path("rewards/<int:pk>/edit/", v.reward_edit, name="shop_reward_edit"),
    path("rewards/<int:pk>/restock/", v.reward_restock, name="shop_reward_restock"),
    path("redemptions/", v.redemptions, name="shop_redemptions"),
    path("redemptions/<int:pk>/", v.redemption, name="shop_redemption"),
    path("redemptions/<int:pk>/fulfil/", v.fulfil, name="shop_fulfil"),
    path("pickup/", v.pickup, name="shop_pickup"),
    path("counter/<int:account_id>/", v.counter, name="shop_counter"),
]
