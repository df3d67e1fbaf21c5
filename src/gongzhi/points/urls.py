"""Pages of the 积分制 under /points/: the core (hub, review queue, declarations, photos, catalogue,
accounts and ledgers, appeals, the resident H5), the shop and the honours. URL names live in the
points namespace; shop pages are prefixed shop_, honours pages honours_."""

from django.urls import include, path

from .views import accounts, catalogue, declarations, resident

app_name = "points"
urlpatterns = [
    path("", declarations.home, name="home"),
    path("review/", declarations.review, name="review"),
    path("declarations/<int:pk>/", declarations.declaration, name="declaration"),
    path("declarations/<int:pk>/<str:action>/", declarations.declaration_decide, name="declaration_decide"),
    path("photos/<int:pk>/", declarations.photo, name="photo"),
    path("appeals/", declarations.appeals, name="appeals"),
    path("appeals/<int:pk>/decide/", declarations.appeal_decide, name="appeal_decide"),
    path("catalogue/", catalogue.catalogue_page, name="catalogue"),
    path("catalogue/items/new/", catalogue.item_edit, name="item_new"),
    path("catalogue/items/<int:pk>/", catalogue.item_edit, name="item_edit"),
    path("catalogue/items/<int:pk>/adjust/", catalogue.item_adjust, name="item_adjust"),
    path("catalogue/mappings/", catalogue.mapping_set, name="mapping_set"),
    path("accounts/", accounts.accounts, name="accounts"),
    path("accounts/open/<str:kind>/<int:pk>/", accounts.account_open, name="account_open"),
    path("accounts/<int:pk>/", accounts.account, name="account"),
    path("accounts/<int:pk>/award/", accounts.account_award, name="account_award"),
    path("entries/<int:pk>/correct/", accounts.entry_correct, name="entry_correct"),
    path("my/", resident.my, name="my"),
    path("my/declare/", resident.my_declare, name="my_declare"),
    path("my/declarations/", resident.my_declarations, name="my_declarations"),
    path("my/declarations/<int:pk>/withdraw/", resident.my_withdraw, name="my_withdraw"),
    path("my/entries/<int:pk>/appeal/", resident.my_appeal, name="my_appeal"),
    path("shop/", include("gongzhi.points.shop.urls")),
    # The public paths say "boards" (bookmarked, printed on notices); the code says honours.
    path("boards/", include("gongzhi.points.honours.urls")),
]
