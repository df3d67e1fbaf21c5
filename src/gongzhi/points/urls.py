"""Pages of the 积分制, one module per part: core (catalogue, declarations, ledgers, resident H5),
shop, boards and honours, civic (法治家庭, 红黑榜)."""

from django.urls import include, path

app_name = "points"
urlpatterns = [
    path("", include("gongzhi.points.urls_core")),
    path("shop/", include("gongzhi.points.urls_shop")),
    path("boards/", include("gongzhi.points.urls_boards")),
    path("civic/", include("gongzhi.points.urls_civic")),
]
