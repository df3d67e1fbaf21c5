from django.urls import include, path

from . import views, views_box, views_resident, views_rules

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
    # 调解 pages, in the same "cases" namespace; before the catch-all step URL below.
    path("", include("gongzhi.cases.mediation.urls")),
    path("cases/<int:pk>/<str:action>/", views.act, name="act"),
    path("my/report/", views_resident.report, name="my_report"),
    path("my/cases/", views_resident.my_cases, name="my_cases"),
    path("my/cases/<int:pk>/", views_resident.my_detail, name="my_detail"),
    path("my/cases/<int:pk>/rate/", views_resident.my_rate, name="my_rate"),
]
