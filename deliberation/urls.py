from django.urls import path

from voting import views_links

from . import views, views_debrief, views_sessions

urlpatterns = [
    path("", views.home, name="home"),
    path("rejoindre/", views.join_by_code, name="join-by-code"),
    path("j/<str:code>", views.join, name="join"),
    path("j/<str:code>/qr.svg", views.qr_code, name="join-qr"),
    # Votes for registered participants: personal links and event tickets (voting/passes.py).
    path("j/<str:code>/p/<str:token>", views_links.join_personal, name="join-personal"),
    path("j/<str:code>/billet/<str:token>", views_links.join_ticket, name="join-ticket"),
    path("m/<str:code>/", views.phone, name="phone"),
    path("ws/room/<str:code>/", views.ws_room_doc, name="ws-room-doc"),
    path("reunions/nouvelle/", views.meeting_create, name="meeting-create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("reunions/<int:pk>/tableau/", views.board, name="board"),
    path("reunions/<int:pk>/affiche/", views.poster, name="poster"),
    path("reunions/<int:pk>/liens/", views_links.links_page, name="voter-links"),
    path("reunions/<int:pk>/liens/imprimer/", views_links.links_print, name="voter-links-print"),
    path("reunions/<int:pk>/liens.csv", views_links.links_csv, name="voter-links-csv"),
    path(
        "reunions/<int:pk>/liens/<int:link>/liberer/",
        views_links.link_release,
        name="voter-link-release",
    ),
    path(
        "reunions/<int:pk>/liens/<int:link>/supprimer/",
        views_links.link_delete,
        name="voter-link-delete",
    ),
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
