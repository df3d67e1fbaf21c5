"""Pages: core — hub, review queue, declarations, photos, catalogue, accounts and ledgers, appeals,
and the resident H5 (my points, declare, my declarations)."""

from django.urls import path

from . import views, views_accounts, views_catalogue, views_resident

urlpatterns = [
    path("", views.home, name="home"),
    path("review/", views.review, name="review"),
    path("declarations/<int:pk>/", views.declaration, name="declaration"),
    path("declarations/<int:pk>/<str:action>/", views.declaration_decide, name="declaration_decide"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("catalogue/", views_catalogue.catalogue_page, name="catalogue"),
    path("catalogue/items/new/", views_catalogue.item_edit, name="item_new"),
    path("catalogue/items/<int:pk>/", views_catalogue.item_edit, name="item_edit"),
    path("catalogue/items/<int:pk>/adjust/", views_catalogue.item_adjust, name="item_adjust"),
    path("catalogue/mappings/", views_catalogue.mapping_set, name="mapping_set"),
    path("accounts/", views_accounts.accounts, name="accounts"),
    path("accounts/open/<str:kind>/<int:pk>/", views_accounts.account_open, name="account_open"),
    path("accounts/<int:pk>/", views_accounts.account, name="account"),
    path("accounts/<int:pk>/award/", views_accounts.account_award, name="account_award"),
    path("entries/<int:pk>/correct/", views_accounts.entry_correct, name="entry_correct"),
    path("my/", views_resident.my, name="my"),
    path("my/declare/", views_resident.my_declare, name="my_declare"),
    path("my/declarations/", views_resident.my_declarations, name="my_declarations"),
    path("my/declarations/<int:pk>/withdraw/", views_resident.my_withdraw, name="my_withdraw"),
    path("my/entries/<int:pk>/appeal/", views_resident.my_appeal, name="my_appeal"),
]
