"""Pages of 人民调解, included by cases/urls.py into the "cases" namespace (names unchanged)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/mediation/agreement.docx", views.agreement, name="mediation_agreement"),
    path("cases/<int:pk>/mediation/<str:step>/", views.mediation_step, name="mediation_step"),
    path("cases/mediation/workrooms/", views.workrooms, name="workrooms"),
    path("cases/mediation/workrooms/new/", views.workroom_edit, name="workroom_new"),
    path("cases/mediation/workrooms/<int:pk>/", views.workroom_edit, name="workroom_edit"),
    path("cases/mediation/counts/", views.counts, name="mediation_counts"),
]
