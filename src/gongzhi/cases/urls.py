from django.urls import include, path

from .views import box, deadlines, resident, staff

app_name = "cases"
urlpatterns = [
    path("cases/", staff.queue, name="queue"),
    path("cases/new/", staff.intake, name="intake"),
    path("cases/box/", box.box_batch, name="box"),
    path("cases/map/", staff.map_view, name="map"),
    path("cases/map/points/", staff.map_points, name="map_points"),
    path("cases/stats/", staff.stats, name="stats"),
    path("cases/deadlines/", deadlines.deadline_rules, name="deadline_rules"),
    path("cases/<int:pk>/", staff.detail, name="detail"),
    path("cases/<int:pk>/photos/<int:photo_id>/", staff.photo, name="photo"),
    # 调解 pages, in the same "cases" namespace; before the catch-all step URL below.
    path("", include("gongzhi.cases.mediation.urls")),
    path("cases/<int:pk>/<str:action>/", staff.act, name="act"),
    path("my/report/", resident.report, name="my_report"),
    path("my/cases/", resident.my_cases, name="my_cases"),
    path("my/cases/<int:pk>/", resident.my_detail, name="my_detail"),
    path("my/cases/<int:pk>/rate/", resident.my_rate, name="my_rate"),
]
