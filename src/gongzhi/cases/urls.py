from django.urls import path

from . import mediation_views, views, views_box, views_resident, views_rules

app_name = "cases"
urlpatterns = [
    path("cases/", views.queue, name="queue"),
    path("cases/new/", views.intake, name="intake"),
    path("cases/box/", views_box.box_batch, name="box"),
    path("cases/map/", views.map_view, name="map"),
    path("cases/map/points/", views.map_points, name="map_points"),
    path("cases/stats/", views.stats, name="stats"),
    path("cases/deadlines/", views_rules.deadline_rules, name="deadline_rules"),
    path("cases/<int:pk>/", views.detail, name="detail"),
    path("cases/<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("cases/<int:pk>/mediation/agreement.docx", mediation_views.agreement, name="mediation_agreement"),
    path("cases/<int:pk>/mediation/<str:step>/", mediation_views.mediation_step, name="mediation_step"),
    path("cases/mediation/workrooms/", mediation_views.workrooms, name="workrooms"),
    path("cases/mediation/workrooms/new/", mediation_views.workroom_edit, name="workroom_new"),
    path("cases/mediation/workrooms/<int:pk>/", mediation_views.workroom_edit, name="workroom_edit"),
    path("cases/mediation/counts/", mediation_views.counts, name="mediation_counts"),
    path("cases/<int:pk>/<str:action>/", views.act, name="act"),
    path("my/report/", views_resident.report, name="my_report"),
    path("my/cases/", views_resident.my_cases, name="my_cases"),
    path("my/cases/<int:pk>/", views_resident.my_detail, name="my_detail"),
    path("my/cases/<int:pk>/rate/", views_resident.my_rate, name="my_rate"),
]
