"""Pages of 法治家庭 and 红黑榜 under /points/civic/ (the civic namespace): staff pages and the public
lists of a resident's village."""

from django.urls import path

from . import views as v

app_name = "civic"
urlpatterns = [
    path("", v.index, name="index"),
    path("law/", v.law_list, name="law_list"),
    path("law/items/", v.law_items, name="law_items"),
    path("law/rate/<int:household_id>/", v.law_rate, name="law_rate"),
    path("law/rate/<int:household_id>/total/", v.law_total, name="law_total"),
    path("law/<int:pk>/", v.law_detail, name="law_detail"),
    path("law/<int:pk>/revoke/", v.law_revoke, name="law_revoke"),
    path("offences/", v.offences, name="offences"),
    path("offences/new/<int:person_id>/", v.offence_new, name="offence_new"),
    path("reviews/", v.reviews, name="reviews"),
    path("reviews/<int:pk>/", v.review, name="review"),
    path("reviews/<int:pk>/accounts/", v.review_accounts, name="review_accounts"),
    path("reviews/<int:pk>/<str:action>/", v.review_act, name="review_act"),
    path("nominations/<int:pk>/<str:action>/", v.nomination_act, name="nomination_act"),
    path("my/", v.my, name="my"),
]
