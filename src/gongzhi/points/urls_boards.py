"""Pages of rankings and honours under /points/boards/ (names prefixed boards_)."""

from django.urls import path

from . import views_boards as v

urlpatterns = [
    path("", v.boards, name="boards"),
    path("participation/", v.participation, name="boards_participation"),
    path("stars/", v.stars, name="boards_stars"),
    path("stars/choose/", v.stars_choose, name="boards_stars_choose"),
    path("meetings/", v.meetings, name="boards_meetings"),
    path("meetings/new/", v.meeting_new, name="boards_meeting_new"),
    path("meetings/<int:pk>/", v.meeting_detail, name="boards_meeting"),
    path("meetings/<int:pk>/edit/", v.meeting_edit, name="boards_meeting_edit"),
    path("meetings/<int:pk>/awardees/", v.meeting_awardees, name="boards_meeting_awardees"),
    path("meetings/<int:pk>/roll.docx", v.meeting_roll, name="boards_meeting_roll"),
    path("export/board.xlsx", v.export_board, name="boards_export_board"),
    path("export/entries.xlsx", v.export_entries, name="boards_export_entries"),
    path("export/ledger/<int:account_id>.xlsx", v.export_ledger, name="boards_export_ledger"),
]
