"""Pages: civic — 法治家庭 and 红黑榜 for staff, the public lists of a resident's village."""

from django.urls import path

from . import views_civic as v

urlpatterns = [
    path("", v.index, name="civic"),
    path("law/", v.law_list, name="civic_law_list"),
    path("law/items/", v.law_items, name="civic_law_items"),
    path("law/rate/<int:household_id>/", v.law_rate, name="civic_law_rate"),
    path("law/rate/<int:household_id>/total/", v.law_total, name="civic_law_total"),
    path("law/<int:pk>/", v.law_detail, name="civic_law_detail"),
    path("law/<int:pk>/revoke/", v.law_revoke, name="civic_law_revoke"),
    path("offences/", v.offences, name="civic_offences"),
    path("offences/new/<int:person_id>/", v.offence_new, name="civic_offence_new"),
    path("reviews/", v.reviews, name="civic_reviews"),
    path("reviews/<int:pk>/", v.review, name="civic_review"),
    path("reviews/<int:pk>/accounts/", v.review_accounts, name="civic_review_accounts"),
    path("reviews/<int:pk>/<str:action>/", v.review_act, name="civic_review_act"),
    path("nominations/<int:pk>/<str:action>/", v.nomination_act, name="civic_nomination_act"),
    path("my/", v.my, name="civic_my"),
]
