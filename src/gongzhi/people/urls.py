from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_edit, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/", views.reveal, {"kind": "person"}, name="reveal"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_edit, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_edit, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path(
        "organizations/<int:pk>/reveal/", views.reveal, {"kind": "organization"}, name="organization_reveal"
    ),
    # Excel import/export routes are added below this line.
]

# Excel in and out (views_excel.py); imported here so the lines above stay the registry's own.
from .excel import views as views_excel  # noqa: E402

urlpatterns += [
    path("import/", views_excel.import_page, name="import"),
    path("import/template.xlsx", views_excel.import_template, name="import_template"),
    path("import/<int:pk>/", views_excel.import_job, name="import_job"),
    path("import/<int:pk>/progress/", views_excel.import_job_progress, name="import_job_progress"),
    path("import/<int:pk>/errors.xlsx", views_excel.import_job_errors, name="import_job_errors"),
    path("export/people.xlsx", views_excel.export, {"kind": "people"}, name="export_people"),
    path("export/households.xlsx", views_excel.export, {"kind": "households"}, name="export_households"),
    path(
        "export/organizations.xlsx",
        views_excel.export,
        {"kind": "organizations"},
        name="export_organizations",
    ),
]
