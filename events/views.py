"""HTTP pages of events: public programme, registration, secret links, feeds, organizer pages.

Each view parses, calls one service or selector, and renders.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from informaction.qr import qr_svg
from rooms.errors import DomainError

from . import imports, selectors, services
from .colors import text_color_for
from .enums import RegistrationStatus
from .forms import (
    EventForm,
    ImportForm,
    MoveForm,
    OrganizationForm,
    RegistrationForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
    TrackForm,
    VenueForm,
)
from .ical import build_calendar
from .models import Agenda, Event, Organization, Session, Speaker, Track, Venue
from .permissions import can_edit_event

AGENDA_SALT = "informaction.events.agenda"
AGENDA_COOKIE_AGE = 365 * 24 * 3600


# --- Helpers -------------------------------------------------------------------------------------


def base_url(request: HttpRequest) -> str:
    """Absolute URLs in feeds, QR codes and subscribe links."""
    if settings.SITE_URL:
        return settings.SITE_URL
    return f"{request.scheme}://{request.get_host()}"


def webcal(url: str) -> str:
    """The subscribe link of a feed: calendar apps open webcal:// as a subscription."""
    return "webcal://" + url.split("://", 1)[1] if "://" in url else url


def _public_event(request: HttpRequest, slug: str) -> Event:
    event = selectors.event_for_viewer(slug, request.user)
    if event is None:
        raise Http404
    return event


def _organizer_event(request: HttpRequest, slug: str) -> Event:
    event = get_object_or_404(Event.objects.select_related("organization"), slug=slug)
    if not can_edit_event(request.user, event):
        raise PermissionDenied
    return event


def _session_of(event: Event, pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("event"), pk=pk, event=event)


def _agenda_cookie(event: Event) -> str:
    return f"ia_agenda_{event.pk}"


def _agenda_from_cookie(request: HttpRequest, event: Event) -> Agenda | None:
    if request.user.is_authenticated:
        return Agenda.objects.filter(event=event, user=request.user).first()
    value = request.COOKIES.get(_agenda_cookie(event))
    if not value:
        return None
    try:
        token = signing.Signer(salt=AGENDA_SALT).unsign(value)
    except signing.BadSignature:
        return None
    return Agenda.objects.filter(event=event, token=token).first()


def _remember_agenda(response: HttpResponse, agenda: Agenda) -> HttpResponse:
    response.set_cookie(
        _agenda_cookie(agenda.event),
        signing.Signer(salt=AGENDA_SALT).sign(agenda.token),
        max_age=AGENDA_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def _link_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 410 if exc.code.endswith(".expired") else 404
    return render(request, "events/link_error.html", {"message": exc.render()}, status=status)


def in_event_zone(view: Callable) -> Callable:
    """Run the view with the event's time zone active: forms read and show local times."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs):
        zone = Event.objects.filter(slug=slug).values_list("timezone", flat=True).first()
        if zone is None:
            raise Http404
        with timezone.override(zone):
            return view(request, slug, *args, **kwargs)

    return wrapper


def _feed_links(request: HttpRequest, name: str, kwargs: dict) -> dict[str, str]:
    url = base_url(request) + reverse(f"events:{name}", kwargs=kwargs)
    return {"https": url, "webcal": webcal(url)}


# --- Public programme ----------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    events = Event.objects.filter(published=True).order_by("-starts_on")[:50]
    return render(request, "events/event_list.html", {"events": events})


@in_event_zone
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    """Day by day, as a list or a grid by venue, filterable by track."""
    event = _public_event(request, slug)
    day = None
    if request.GET.get("jour"):
        try:
            day = date.fromisoformat(request.GET["jour"])
        except ValueError:
            day = None
    view_mode = "grille" if request.GET.get("vue") == "grille" else "liste"
    prog = selectors.programme(event, day=day, track_slug=request.GET.get("parcours", "")[:80])
    feeds = {"event": _feed_links(request, "feed-event", {"slug": event.slug})}
    return render(
        request,
        "events/programme.html",
        {
            "event": event,
            "prog": prog,
            "view_mode": view_mode,
            "feeds": feeds,
            "track_feeds": [
                (t, _feed_links(request, "feed-track", {"slug": event.slug, "track": t.slug}))
                for t in prog.tracks
            ],
            "venue_feeds": [
                (v, _feed_links(request, "feed-venue", {"slug": event.slug, "venue": v.pk}))
                for v in prog.venues
            ],
            "can_edit": can_edit_event(request.user, event),
            "agenda": _agenda_from_cookie(request, event),
        },
    )


@in_event_zone
def programme_print(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole programme on A4 pages, day by day."""
    event = _public_event(request, slug)
    prog = selectors.programme(event)
    return render(request, "events/programme_print.html", {"event": event, "prog": prog})


def track_css(request: HttpRequest, slug: str) -> HttpResponse:
    """Track colours as a stylesheet: the CSP forbids inline styles."""
    event = _public_event(request, slug)
    rules = []
    for track in event.tracks.all():
        rules.append(
            f".track-{track.slug}{{--track-color:{track.color};"
            f"--track-text:{text_color_for(track.color)}}}"
        )
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@in_event_zone
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A session's page; its form registers for it (no account needed)."""
    event = _public_event(request, slug)
    session = get_object_or_404(selectors.sessions_with_details(event), pk=pk)
    agenda = _agenda_from_cookie(request, event)
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.get_full_name(), "email": request.user.email}
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                session=session,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                user=request.user,
                agenda=agenda,
            )
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            response = redirect("events:registration-detail", token=registration.token)
            return _remember_agenda(response, registration.agenda)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/session_detail.html",
        {
            "event": event,
            "session": session,
            "form": form,
            "agenda": agenda,
            "starred": agenda is not None and agenda.starred.filter(pk=session.pk).exists(),
            "feed": _feed_links(request, "feed-session", {"slug": event.slug, "pk": session.pk}),
            "can_edit": can_edit_event(request.user, event),
            "seats_left": (
                max(0, session.capacity - session.registered_count)
                if session.capacity is not None
                else None
            ),
        },
        status=status,
    )


@require_POST
def session_star(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Star or unstar a session in the browser's (or user's) personal agenda."""
    event = _public_event(request, slug)
    session = _session_of(event, pk)
    agenda = _agenda_from_cookie(request, event) or services.agenda_for(
        event=event, user=request.user
    )
    starred = request.POST.get("star") == "1"
    services.agenda_star(agenda=agenda, session=session, starred=starred)
    messages.success(
        request,
        _("Ajoutée à votre agenda.") if starred else _("Retirée de votre agenda."),
    )
    response = redirect("events:session-detail", slug=event.slug, pk=session.pk)
    return _remember_agenda(response, agenda)


# --- Secret links: confirmation, cancel, agenda -------------------------------------------------


def registration_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation page: status, QR ticket, cancel link, personal agenda link."""
    try:
        registration = selectors.registration_by_token(token)
    except DomainError as exc:
        return _link_error(request, exc)
    session = registration.session
    event = session.event
    ticket = ""
    if registration.status == RegistrationStatus.REGISTERED and not session.cancelled:
        checkin_url = base_url(request) + reverse(
            "events:check-in", kwargs={"token": registration.checkin_token}
        )
        ticket = qr_svg(checkin_url, title=_("Billet à présenter à l'entrée"))
    agenda_links = None
    if registration.agenda is not None:
        agenda_links = {
            "page": reverse("events:agenda", kwargs={"token": registration.agenda.token}),
            **_feed_links(request, "feed-agenda", {"token": registration.agenda.token}),
        }
    with timezone.override(event.timezone):
        response = render(
            request,
            "events/registration_detail.html",
            {
                "registration": registration,
                "session": session,
                "event": event,
                "ticket": ticket,
                "position": selectors.waiting_position(registration),
                "agenda_links": agenda_links,
                "page_url": base_url(request) + request.path,
            },
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The cancel link: GET asks for confirmation (link previews must not cancel), POST cancels."""
    try:
        registration = selectors.registration_by_token(token)
    except DomainError as exc:
        return _link_error(request, exc)
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration)
        except DomainError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(
                request, _("Votre inscription est annulée. Merci de nous avoir prévenus.")
            )
        return redirect("events:registration-detail", token=registration.token)
    with timezone.override(registration.session.event.timezone):
        return render(request, "events/registration_cancel.html", {"registration": registration})


def agenda(request: HttpRequest, token: str) -> HttpResponse:
    try:
        agenda = selectors.agenda_by_token(token)
    except DomainError as exc:
        return _link_error(request, exc)
    event = agenda.event
    sessions = list(
        selectors.sessions_with_details(event).filter(
            pk__in=selectors.agenda_sessions(agenda).values("pk")
        )
    )
    registrations = {
        r.session_id: r for r in agenda.registrations.exclude(status=RegistrationStatus.CANCELLED)
    }
    starred = set(agenda.starred.values_list("pk", flat=True))
    rows = [(s, registrations.get(s.pk), s.pk in starred) for s in sessions]
    with timezone.override(event.timezone):
        response = render(
            request,
            "events/agenda.html",
            {
                "agenda": agenda,
                "event": event,
                "rows": rows,
                "feed": _feed_links(request, "feed-agenda", {"token": agenda.token}),
            },
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return _remember_agenda(response, agenda) if not request.user.is_authenticated else response


# --- Feeds ----------------------------------------------------------------------------------------


def _cors(response: HttpResponse) -> HttpResponse:
    """Feeds are public data: partner sites may fetch them from the browser."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def _feed(
    request: HttpRequest,
    *,
    event: Event,
    name: str,
    sessions: QuerySet[Session],
    key: tuple,
    filename: str,
    private: bool = False,
) -> HttpResponse:
    """Conditional GET: the ETag comes from the event's last change (and the agenda's), so an
    unchanged feed costs one small query and a 304."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Max-Age"] = "86400"
        return _cors(response)
    host = base_url(request)
    etag, last_modified = selectors.feed_version(event, *key, host, translation.get_language())
    quoted = f'"{etag}"'
    not_modified = get_conditional_response(
        request, etag=quoted, last_modified=int(last_modified.timestamp())
    )
    if not_modified is not None:
        response = not_modified
    else:
        cache_key = f"events.feed.{etag}"
        body = cache.get(cache_key)
        if body is None:
            body = build_calendar(
                name=name,
                zone_name=event.timezone,
                sessions=selectors.feed_sessions(sessions, host),
                calendar_uid=f"{event.slug}.{key[0]}.{key[1] if len(key) > 1 else 'all'}"
                "@informaction",
                description=event.description[:500],
                url=host + reverse("events:programme", kwargs={"slug": event.slug}),
                fallback_dates=(event.starts_on, event.ends_on),
            )
            cache.set(cache_key, body, 3600)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = quoted
    response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = (
        "private, max-age=0, must-revalidate" if private else ("public, max-age=300")
    )
    patch_vary_headers(response, ["Accept-Language"])
    return _cors(response)


FEED_METHODS = ["GET", "HEAD", "OPTIONS"]


@require_http_methods(FEED_METHODS)
def feed_event(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(request, slug)
    return _feed(
        request,
        event=event,
        name=event.title,
        sessions=Session.objects.filter(event=event),
        key=("event",),
        filename=f"{event.slug}.ics",
    )


@require_http_methods(FEED_METHODS)
def feed_track(request: HttpRequest, slug: str, track: str) -> HttpResponse:
    event = _public_event(request, slug)
    found = get_object_or_404(Track, event=event, slug=track)
    return _feed(
        request,
        event=event,
        name=f"{event.title} – {found.name}",
        sessions=Session.objects.filter(event=event, track=found),
        key=("track", found.pk),
        filename=f"{event.slug}-{found.slug}.ics",
    )


@require_http_methods(FEED_METHODS)
def feed_venue(request: HttpRequest, slug: str, venue: int) -> HttpResponse:
    event = _public_event(request, slug)
    found = get_object_or_404(Venue, event=event, pk=venue)
    return _feed(
        request,
        event=event,
        name=f"{event.title} – {found.name}",
        sessions=Session.objects.filter(event=event, venue=found),
        key=("venue", found.pk),
        filename=f"{event.slug}-lieu-{found.pk}.ics",
    )


@require_http_methods(FEED_METHODS)
def feed_speaker(request: HttpRequest, slug: str, speaker: str) -> HttpResponse:
    event = _public_event(request, slug)
    found = get_object_or_404(Speaker, event=event, slug=speaker)
    return _feed(
        request,
        event=event,
        name=f"{event.title} – {found.name}",
        sessions=Session.objects.filter(event=event, speakers=found),
        key=("speaker", found.pk),
        filename=f"{event.slug}-{found.slug}.ics",
    )


@require_http_methods(FEED_METHODS)
def feed_session(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _public_event(request, slug)
    session = _session_of(event, pk)
    response = _feed(
        request,
        event=event,
        name=session.title,
        sessions=Session.objects.filter(pk=session.pk),
        key=("session", session.pk),
        filename=f"{event.slug}-seance-{session.pk}.ics",
    )
    if response.status_code == 200:
        response["Content-Disposition"] = (
            f'attachment; filename="{event.slug}-seance-{session.pk}.ics"'
        )
    return response


@require_http_methods(FEED_METHODS)
def feed_agenda(request: HttpRequest, token: str) -> HttpResponse:
    try:
        agenda = selectors.agenda_by_token(token)
    except DomainError as exc:
        return _link_error(request, exc)
    event = agenda.event
    return _feed(
        request,
        event=event,
        name=_("%(event)s – mon agenda") % {"event": event.title},
        sessions=Session.objects.filter(pk__in=selectors.agenda_sessions(agenda).values("pk")),
        key=("agenda", agenda.pk, agenda.updated_at),
        filename=f"{event.slug}-agenda.ics",
        private=True,
    )


# --- Check-in ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """The URL in the QR ticket. The organizer scans it, sees who it is, taps to confirm."""
    registration = selectors.registration_by_checkin_token(token)
    if registration is None:
        return render(
            request, "events/link_error.html", {"message": _("Billet inconnu.")}, status=404
        )
    event = registration.session.event
    if not can_edit_event(request.user, event):
        raise PermissionDenied
    result = error = None
    if request.method == "POST":
        try:
            result = services.registration_check_in(user=request.user, checkin_token=token)
        except DomainError as exc:
            error = exc.render()
        registration.refresh_from_db()
    with timezone.override(event.timezone):
        return render(
            request,
            "events/check_in.html",
            {
                "registration": registration,
                "session": registration.session,
                "event": event,
                "result": result,
                "error": error,
                "stats": selectors.attendance(registration.session),
            },
            status=400 if error else 200,
        )


# --- Organizer pages -----------------------------------------------------------------------------


@login_required
def orga_home(request: HttpRequest) -> HttpResponse:
    organizations = (
        Organization.objects.all()
        if request.user.is_superuser
        else Organization.objects.filter(members=request.user)
    )
    return render(
        request,
        "events/orga/home.html",
        {
            "events": selectors.events_for_organizer(request.user),
            "organizations": organizations,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            return redirect("events:orga-home")
    return render(
        request,
        "events/orga/form.html",
        {"form": form, "title": _("Nouvelle organisation"), "event": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    organizations = (
        Organization.objects.all()
        if request.user.is_superuser
        else Organization.objects.filter(members=request.user)
    )
    if not organizations.exists():
        messages.info(request, _("Créez d'abord votre organisation."))
        return redirect("events:organization-create")
    form = EventForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_create(
                user=request.user,
                organization=data["organization"],
                title=data["title"],
                slug=data["slug"],
                kind=data["kind"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                timezone_name=data["timezone"],
                published=data["published"],
            )
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            return redirect("events:orga-event", slug=event.slug)
    return render(
        request,
        "events/orga/form.html",
        {"form": form, "title": _("Nouvel événement"), "event": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@in_event_zone
def orga_event(request: HttpRequest, slug: str) -> HttpResponse:
    """The organizer's dashboard: sessions, conflicts, counts, links to every form."""
    event = _organizer_event(request, slug)
    return render(
        request,
        "events/orga/event.html",
        {
            "event": event,
            "sessions": selectors.sessions_with_details(event),
            "conflicts": selectors.session_conflicts(event),
            "venues": event.venues.prefetch_related("rooms"),
            "tracks": event.tracks.all(),
            "speakers": event.speakers.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    initial = {
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "timezone": event.timezone,
        "published": event.published,
    }
    form = EventForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.event_update(
                user=request.user,
                event=event,
                title=data["title"],
                kind=data["kind"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                timezone_name=data["timezone"],
                published=data["published"],
            )
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(request, _("Événement enregistré."))
            return redirect("events:orga-event", slug=event.slug)
    return render(
        request,
        "events/orga/form.html",
        {"form": form, "title": _("Modifier l'événement"), "event": event},
        status=400 if request.method == "POST" else 200,
    )


def _simple_edit(
    request: HttpRequest,
    slug: str,
    *,
    model,
    pk: int | None,
    form_class,
    save: Callable,
    title: str,
    initial: Callable,
):
    """Create-or-edit pages for venues, tracks and speakers."""
    event = _organizer_event(request, slug)
    obj = get_object_or_404(model, pk=pk, event=event) if pk is not None else None
    form = form_class(request.POST or None, initial=initial(obj) if obj else None)
    extra = {}
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, event=event, obj=obj, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(request, _("Enregistré."))
            return redirect("events:orga-event", slug=event.slug)
    if isinstance(obj, Venue):
        extra = {"venue": obj, "room_form": RoomForm(), "rooms": obj.rooms.all()}
    return render(
        request,
        "events/orga/form.html",
        {"form": form, "title": title, "event": event, **extra},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    return _simple_edit(
        request,
        slug,
        model=Venue,
        pk=pk,
        form_class=VenueForm,
        save=lambda obj, **kw: services.venue_save(venue=obj, **kw),
        title=_("Lieu"),
        initial=lambda v: {"name": v.name, "address": v.address, "position": v.position},
    )


@login_required
@require_POST
def room_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    venue = get_object_or_404(Venue, pk=pk, event=event)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            services.room_save(user=request.user, venue=venue, name=form.cleaned_data["name"])
        except DomainError as exc:
            messages.error(request, exc.render())
    else:
        messages.error(request, _("Donnez un nom à la salle."))
    return redirect("events:venue-edit", slug=event.slug, pk=venue.pk)


@login_required
@require_http_methods(["GET", "POST"])
def track_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    return _simple_edit(
        request,
        slug,
        model=Track,
        pk=pk,
        form_class=TrackForm,
        save=lambda obj, **kw: services.track_save(track=obj, **kw),
        title=_("Parcours"),
        initial=lambda t: {"name": t.name, "color": t.color},
    )


@login_required
@require_http_methods(["GET", "POST"])
def speaker_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    return _simple_edit(
        request,
        slug,
        model=Speaker,
        pk=pk,
        form_class=SpeakerForm,
        save=lambda obj, **kw: services.speaker_save(speaker=obj, **kw),
        title=_("Intervenant·e"),
        initial=lambda s: {"name": s.name, "bio": s.bio},
    )


def _session_fields(data: dict) -> services.SessionFields:
    return services.SessionFields(
        title=data["title"],
        kind=data["kind"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        venue=data["venue"],
        room=data["room"],
        track=data["track"],
        speakers=list(data["speakers"]),
        capacity=data["capacity"],
        description=data["description"],
        online_url=data["online_url"],
        dial_in_phone=data["dial_in_phone"],
        dial_in_info=data["dial_in_info"],
    )


def _warn_conflicts(request: HttpRequest, session: Session) -> None:
    for conflict in selectors.session_conflicts(session.event, only=session):
        messages.warning(request, conflict.message)


@login_required
@in_event_zone
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    event = _organizer_event(request, slug)
    session = _session_of(event, pk) if pk is not None else None
    initial = None
    if session is not None:
        initial = {
            "title": session.title,
            "kind": session.kind,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "venue": session.venue_id,
            "room": session.room_id,
            "track": session.track_id,
            "speakers": list(session.speakers.values_list("pk", flat=True)),
            "capacity": session.capacity,
            "description": session.description,
            "online_url": session.online_url,
            "dial_in_phone": session.dial_in_phone,
            "dial_in_info": session.dial_in_info,
        }
    form = SessionForm(request.POST or None, initial=initial, event=event)
    if request.method == "POST" and form.is_valid():
        fields = _session_fields(form.cleaned_data)
        try:
            if session is None:
                session = services.session_create(user=request.user, event=event, data=fields)
            else:
                session = services.session_update(user=request.user, session=session, data=fields)
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(request, _("Séance enregistrée."))
            _warn_conflicts(request, session)
            return redirect("events:orga-event", slug=event.slug)
    return render(
        request,
        "events/orga/session_form.html",
        {"form": form, "event": event, "session": session},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def session_duplicate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    copy = services.session_duplicate(user=request.user, session=_session_of(event, pk))
    messages.success(request, _("Séance dupliquée : modifiez la copie."))
    return redirect("events:session-edit", slug=event.slug, pk=copy.pk)


@login_required
@in_event_zone
@require_http_methods(["GET", "POST"])
def session_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    session = _session_of(event, pk)
    form = MoveForm(request.POST or None, initial={"starts_at": session.starts_at})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_move(
                user=request.user, session=session, starts_at=form.cleaned_data["starts_at"]
            )
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(request, _("Séance déplacée."))
            _warn_conflicts(request, session)
            return redirect("events:orga-event", slug=event.slug)
    return render(
        request,
        "events/orga/form.html",
        {"form": form, "title": _("Déplacer « %(t)s »") % {"t": session.title}, "event": event},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    cancelled = request.POST.get("restore") != "1"
    services.session_cancel(user=request.user, session=_session_of(event, pk), cancelled=cancelled)
    messages.success(
        request,
        _("Séance annulée : elle reste affichée comme annulée.")
        if cancelled
        else _("Séance rétablie."),
    )
    return redirect("events:orga-event", slug=event.slug)


@login_required
@require_POST
def session_meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One click: a live meeting room linked to the session (the user's own, if any)."""
    from deliberation import services as meeting_services
    from rooms.models import Meeting

    event = _organizer_event(request, slug)
    session = _session_of(event, pk)
    meeting = (
        Meeting.objects.filter(session=session, owner=request.user).order_by("-created_at").first()
    )
    if meeting is None:
        meeting = meeting_services.meeting_create(
            owner=request.user, title=session.title, session_id=session.pk
        )
    return redirect("meeting-detail", pk=meeting.pk)


@login_required
@in_event_zone
def session_attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Registrations, waiting list and the live check-in count (the page refreshes itself)."""
    event = _organizer_event(request, slug)
    return render(
        request,
        "events/orga/attendance.html",
        {"event": event, "stats": selectors.attendance(_session_of(event, pk))},
    )


def _csv_safe(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def session_attendance_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _organizer_event(request, slug)
    stats = selectors.attendance(_session_of(event, pk))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="presences-seance-{pk}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("nom"), _("e-mail"), _("statut"), _("inscription"), _("arrivée")])
    zone = event.timezone
    with timezone.override(zone):
        for r in stats.registrations:
            writer.writerow(
                [
                    _csv_safe(r.name),
                    _csv_safe(r.email),
                    r.get_status_display(),
                    timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M")
                    if r.checked_in_at
                    else "",
                ]
            )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def programme_import(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organizer_event(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        file_format = "ics" if upload.name.lower().endswith((".ics", ".ical")) else "csv"
        report = imports.programme_import(
            user=request.user,
            event=event,
            data=upload.read(),
            file_format=file_format,
            partial=form.cleaned_data["partial"],
        )
        if report.applied and not report.errors:
            messages.success(
                request,
                ngettext("%(n)s séance importée.", "%(n)s séances importées.", report.created)
                % {"n": report.created},
            )
            return redirect("events:orga-event", slug=event.slug)
    return render(
        request,
        "events/orga/import.html",
        {"form": form, "event": event, "report": report},
        status=400 if report is not None and not report.applied else 200,
    )
