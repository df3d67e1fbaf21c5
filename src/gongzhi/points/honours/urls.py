"""Pages of rankings and honours under /points/boards/ (names prefixed honours_ in the points namespace)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("", v.boards, name="honours"),
    path("participation/", v.participation, name="honours_participation"),
    path("stars/", v.stars, name="honours_stars"),
    path("stars/choose/", v.stars_choose, name="honours_stars_choose"),
    path("meetings/", v.meetings, name="honours_meetings"),
    path("meetings/new/", v.meeting_new, name="honours_meeting_new"),
    path("meetings/<int:pk>/", v.meeting_detail, name="honours_meeting"),
    path("meetings/<int:pk>/edit/", v.meeting_edit, name="honours_meeting_edit"),
    path("meetings/<int:pk>/awardees/", v.meeting_awardees, name="honours_meeting_awardees"),
    path("meetings/<int:pk>/roll.docx", v.meeting_roll, name="honours_meeting_roll"),
    path("export/board.xlsx", v.export_board, name="honours_export_board"),
    path("export/entries.xlsx", v.export_entries, name="honours_export_entries"),
    path("export/ledger/<int:account_id>.xlsx", v.export_ledger, name="honours_export_ledger"),
]
