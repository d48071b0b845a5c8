from django.urls import path

from .views import checkin, feeds, links, organizer, organizer_mail, public

app_name = "events"

urlpatterns = [
    path("", public.event_list, name="event-list"),
    # Secret links (random tokens) and the door check-in.
    path("inscription/<str:token>/", links.registration_detail, name="registration-detail"),
    path("inscription/<str:token>/annuler/", links.registration_cancel, name="registration-cancel"),
    path(
        "inscription/<str:token>/renvoyer/",
        links.registration_resend,
        name="registration-resend",
    ),
    path(
        "inscription/<str:token>/confirmer/<str:code>/",
        links.registration_confirm,
        name="registration-confirm",
    ),
    path("agenda/<str:token>.ics", feeds.feed_agenda, name="feed-agenda"),
    path("agenda/<str:token>/", links.agenda, name="agenda"),
    path("billet/<str:token>/", checkin.check_in, name="check-in"),
    # Organizer pages.
    path("orga/", organizer.orga_home, name="orga-home"),
    path("orga/organisation/nouvelle/", organizer.organization_create, name="organization-create"),
    path("orga/evenement/nouveau/", organizer.event_create, name="event-create"),
    path("orga/<slug:slug>/", organizer.orga_event, name="orga-event"),
    path("orga/<slug:slug>/modifier/", organizer.event_edit, name="event-edit"),
    path("orga/<slug:slug>/importer/", organizer.programme_import, name="programme-import"),
    path("orga/<slug:slug>/courriels/", organizer_mail.event_mails, name="event-mails"),
    path(
        "orga/<slug:slug>/courriels/<int:pk>/renvoyer/",
        organizer_mail.event_mail_retry,
        name="event-mail-retry",
    ),
    path(
        "orga/<slug:slug>/seances/<int:pk>/message/",
        organizer_mail.session_message,
        name="session-message",
    ),
    path("orga/<slug:slug>/lieux/nouveau/", organizer.venue_edit, name="venue-create"),
    path("orga/<slug:slug>/lieux/<int:pk>/", organizer.venue_edit, name="venue-edit"),
    path("orga/<slug:slug>/lieux/<int:pk>/salles/", organizer.room_create, name="room-create"),
    path("orga/<slug:slug>/parcours/nouveau/", organizer.track_edit, name="track-create"),
    path("orga/<slug:slug>/parcours/<int:pk>/", organizer.track_edit, name="track-edit"),
    path("orga/<slug:slug>/intervenants/nouveau/", organizer.speaker_edit, name="speaker-create"),
    path("orga/<slug:slug>/intervenants/<int:pk>/", organizer.speaker_edit, name="speaker-edit"),
    path("orga/<slug:slug>/seances/nouvelle/", organizer.session_edit, name="session-create"),
    path("orga/<slug:slug>/seances/<int:pk>/", organizer.session_edit, name="session-edit"),
    path(
        "orga/<slug:slug>/seances/<int:pk>/dupliquer/",
        organizer.session_duplicate,
        name="session-duplicate",
    ),
    path(
        "orga/<slug:slug>/seances/<int:pk>/deplacer/", organizer.session_move, name="session-move"
    ),
    path(
        "orga/<slug:slug>/seances/<int:pk>/annuler/",
        organizer.session_cancel,
        name="session-cancel",
    ),
    path(
        "orga/<slug:slug>/seances/<int:pk>/inscriptions/",
        organizer.session_attendance,
        name="session-attendance",
    ),
    path(
        "orga/<slug:slug>/seances/<int:pk>/inscriptions.csv",
        organizer.session_attendance_csv,
        name="session-attendance-csv",
    ),
    # Public programme and feeds.
    path("<slug:slug>/", public.programme, name="programme"),
    path("<slug:slug>/imprimer/", public.programme_print, name="programme-print"),
    path("<slug:slug>/parcours.css", public.track_css, name="track-css"),
    path("<slug:slug>/programme.ics", feeds.feed_event, name="feed-event"),
    path("<slug:slug>/parcours/<slug:track>.ics", feeds.feed_track, name="feed-track"),
    path("<slug:slug>/lieux/<int:venue>.ics", feeds.feed_venue, name="feed-venue"),
    path("<slug:slug>/intervenants/<slug:speaker>.ics", feeds.feed_speaker, name="feed-speaker"),
    path("<slug:slug>/seances/<int:pk>/", public.session_detail, name="session-detail"),
    path("<slug:slug>/seances/<int:pk>.ics", feeds.feed_session, name="feed-session"),
    path("<slug:slug>/seances/<int:pk>/etoile/", public.session_star, name="session-star"),
]
