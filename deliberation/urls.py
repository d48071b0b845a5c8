from django.urls import path

from . import views, views_debrief, views_projection, views_sessions

urlpatterns = [
    path("", views.home, name="home"),
    path("rejoindre/", views.join_by_code, name="join-by-code"),
    path("j/<str:code>", views.join, name="join"),
    path("j/<str:code>/qr.svg", views.qr_code, name="join-qr"),
    path("m/<str:code>/", views.phone, name="phone"),
    path("ws/room/<str:code>/", views.ws_room_doc, name="ws-room-doc"),
    path("reunions/nouvelle/", views.meeting_create, name="meeting-create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("reunions/<int:pk>/tableau/", views.board, name="board"),
    path("reunions/<int:pk>/affiche/", views.poster, name="poster"),
    # issue 12: the projected screen, and pairing a room PC with a code
    path("reunions/<int:pk>/projection/", views_projection.projection, name="projection"),
    path(
        "reunions/<int:pk>/projection/code/",
        views_projection.pair_code,
        name="projection-pair-code",
    ),
    path(
        "reunions/<int:pk>/projection/questionnaire/",
        views_projection.questionnaire,
        name="projection-questionnaire",
    ),
    path("projection/", views_projection.pair, name="projection-pair"),
    # issue 6: minutes, breakout groups, questionnaires, event report, idea → session
    path("reunions/<int:pk>/compte-rendu/", views_debrief.minutes_page, name="minutes"),
    path("reunions/<int:pk>/groupes/", views_debrief.groups_page, name="groups"),
    path(
        "reunions/<int:pk>/questionnaire/",
        views_debrief.questionnaire_create,
        name="questionnaire-create",
    ),
    path("reunions/<int:pk>/seance/", views_debrief.session_from_idea, name="session-from-idea"),
    path("reunions/<int:pk>/amorcer/", views_debrief.seed_from_meeting, name="seed-from-meeting"),
    path(
        "reunions/evenements/<int:event_pk>/bilan/",
        views_debrief.event_report,
        name="event-report",
    ),
    path("m/<str:code>/groupe/", views_debrief.group_spread, name="group-spread"),
    path("q/<str:token>/", views_debrief.questionnaire, name="questionnaire"),
]

# Meeting pages among the programme's organizer URLs: informaction/urls.py mounts them under
# "programme/" in the "events" namespace (events itself imports no meeting module).
programme_urlpatterns = [
    path(
        "orga/<slug:slug>/seances/<int:pk>/reunion/",
        views_sessions.session_meeting,
        name="session-meeting",
    ),
]
