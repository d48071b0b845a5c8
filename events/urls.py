from django.urls import path

from . import views, views_mail

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    # Secret links (random tokens) and the door check-in.
    path("inscription/<str:token>/", views.registration_detail, name="registration-detail"),
    path("inscription/<str:token>/annuler/", views.registration_cancel, name="registration-cancel"),
    path(
        "inscription/<str:token>/renvoyer/",
        views_mail.registration_resend,
        name="registration-resend",
    ),
    path(
        "inscription/<str:token>/confirmer/<str:code>/",
        views_mail.registration_confirm,
        name="registration-confirm",
    ),
    path("agenda/<str:token>.ics", views.feed_agenda, name="feed-agenda"),
    path("agenda/<str:token>/", views.agenda, name="agenda"),
    path("billet/<str:token>/", views.check_in, name="check-in"),
    # Organizer pages.
    path("orga/", views.orga_home, name="orga-home"),
    path("orga/organisation/nouvelle/", views.organization_create, name="organization-create"),
    path("orga/evenement/nouveau/", views.event_create, name="event-create"),
    path("orga/<slug:slug>/", views.orga_event, name="orga-event"),
    path("orga/<slug:slug>/modifier/", views.event_edit, name="event-edit"),
    path("orga/<slug:slug>/importer/", views.programme_import, name="programme-import"),
    path("orga/<slug:slug>/courriels/", views_mail.event_mails, name="event-mails"),
    path(
        "orga/<slug:slug>/courriels/<int:pk>/renvoyer/",
        views_mail.event_mail_retry,
        name="event-mail-retry",
    ),
    path(
        "orga/<slug:slug>/seances/<int:pk>/message/",
        views_mail.session_message,
        name="session-message",
    ),
    path("orga/<slug:slug>/lieux/nouveau/", views.venue_edit, name="venue-create"),
    path("orga/<slug:slug>/lieux/<int:pk>/", views.venue_edit, name="venue-edit"),
    path("orga/<slug:slug>/lieux/<int:pk>/salles/", views.room_create, name="room-create"),
    path("orga/<slug:slug>/parcours/nouveau/", views.track_edit, name="track-create"),
    path("orga/<slug:slug>/parcours/<int:pk>/", views.track_edit, name="track-edit"),
    path("orga/<slug:slug>/intervenants/nouveau/", views.speaker_edit, name="speaker-create"),
    path("orga/<slug:slug>/intervenants/<int:pk>/", views.speaker_edit, name="speaker-edit"),
    path("orga/<slug:slug>/seances/nouvelle/", views.session_edit, name="session-create"),
    path("orga/<slug:slug>/seances/<int:pk>/", views.session_edit, name="session-edit"),
    path(
        "orga/<slug:slug>/seances/<int:pk>/dupliquer/",
        views.session_duplicate,
        name="session-duplicate",
    ),
    path("orga/<slug:slug>/seances/<int:pk>/deplacer/", views.session_move, name="session-move"),
    path("orga/<slug:slug>/seances/<int:pk>/annuler/", views.session_cancel, name="session-cancel"),
    path(
        "orga/<slug:slug>/seances/<int:pk>/reunion/", views.session_meeting, name="session-meeting"
    ),
    path(
        "orga/<slug:slug>/seances/<int:pk>/inscriptions/",
        views.session_attendance,
        name="session-attendance",
    ),
    path(
        "orga/<slug:slug>/seances/<int:pk>/inscriptions.csv",
        views.session_attendance_csv,
        name="session-attendance-csv",
    ),
    # Public programme and feeds.
    path("<slug:slug>/", views.programme, name="programme"),
    path("<slug:slug>/imprimer/", views.programme_print, name="programme-print"),
    path("<slug:slug>/parcours.css", views.track_css, name="track-css"),
    path("<slug:slug>/programme.ics", views.feed_event, name="feed-event"),
    path("<slug:slug>/parcours/<slug:track>.ics", views.feed_track, name="feed-track"),
    path("<slug:slug>/lieux/<int:venue>.ics", views.feed_venue, name="feed-venue"),
    path("<slug:slug>/intervenants/<slug:speaker>.ics", views.feed_speaker, name="feed-speaker"),
    path("<slug:slug>/seances/<int:pk>/", views.session_detail, name="session-detail"),
    path("<slug:slug>/seances/<int:pk>.ics", views.feed_session, name="feed-session"),
    path("<slug:slug>/seances/<int:pk>/etoile/", views.session_star, name="session-star"),
]
