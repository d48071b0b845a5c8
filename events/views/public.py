"""The public pages: the list of events, a programme (list, grid, print), its track colours, a
session's page with its registration form, and starring a session in the personal agenda.

Each view parses, calls one service or selector, and renders.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rooms.errors import DomainError

from .. import selectors, services
from ..colors import text_color_for
from ..forms import RegistrationForm
from ..models import Agenda, Event, Session
from ..permissions import can_edit_event
from .common import (
    agenda_from_cookie,
    feed_links,
    in_event_zone,
    public_event,
    remember_agenda,
    session_of,
)


def event_list(request: HttpRequest) -> HttpResponse:
    events = Event.objects.filter(published=True).order_by("-starts_on")[:50]
    return render(request, "events/event_list.html", {"events": events})


def _day_of(request: HttpRequest) -> date | None:
    """The `?jour=` of the programme, if it is a date."""
    if not request.GET.get("jour"):
        return None
    try:
        return date.fromisoformat(request.GET["jour"])
    except ValueError:
        return None


@in_event_zone
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    """Day by day, as a list or a grid by venue, filterable by track."""
    event = public_event(request, slug)
    view_mode = "grille" if request.GET.get("vue") == "grille" else "liste"
    prog = selectors.programme(
        event, day=_day_of(request), track_slug=request.GET.get("parcours", "")[:80]
    )
    feeds = {"event": feed_links(request, "feed-event", {"slug": event.slug})}
    return render(
        request,
        "events/programme.html",
        {
            "event": event,
            "prog": prog,
            "view_mode": view_mode,
            "feeds": feeds,
            "track_feeds": [
                (t, feed_links(request, "feed-track", {"slug": event.slug, "track": t.slug}))
                for t in prog.tracks
            ],
            "venue_feeds": [
                (v, feed_links(request, "feed-venue", {"slug": event.slug, "venue": v.pk}))
                for v in prog.venues
            ],
            "can_edit": can_edit_event(request.user, event),
            "agenda": agenda_from_cookie(request, event),
        },
    )


@in_event_zone
def programme_print(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole programme on A4 pages, day by day."""
    event = public_event(request, slug)
    prog = selectors.programme(event)
    return render(request, "events/programme_print.html", {"event": event, "prog": prog})


def track_css(request: HttpRequest, slug: str) -> HttpResponse:
    """Track colours as a stylesheet: the CSP forbids inline styles."""
    event = public_event(request, slug)
    rules = []
    for track in event.tracks.all():
        rules.append(
            f".track-{track.slug}{{--track-color:{track.color};"
            f"--track-text:{text_color_for(track.color)}}}"
        )
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _register(
    request: HttpRequest, form: RegistrationForm, session: Session, agenda: Agenda | None
) -> HttpResponse | None:
    """Register from the session page's form: the redirect to the confirmation page, or None
    with the error added to the form."""
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
        return None
    response = redirect("events:registration-detail", token=registration.token)
    return remember_agenda(response, registration.agenda)


def _seats_left(session: Session) -> int | None:
    if session.capacity is None:
        return None
    return max(0, session.capacity - session.registered_count)


@in_event_zone
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A session's page; its form registers for it (no account needed)."""
    event = public_event(request, slug)
    session = get_object_or_404(selectors.sessions_with_details(event), pk=pk)
    agenda = agenda_from_cookie(request, event)
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.get_full_name(), "email": request.user.email}
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        registered = _register(request, form, session, agenda)
        if registered is not None:
            return registered
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
            "feed": feed_links(request, "feed-session", {"slug": event.slug, "pk": session.pk}),
            "can_edit": can_edit_event(request.user, event),
            "seats_left": _seats_left(session),
        },
        status=status,
    )


@require_POST
def session_star(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Star or unstar a session in the browser's (or user's) personal agenda."""
    event = public_event(request, slug)
    session = session_of(event, pk)
    agenda = agenda_from_cookie(request, event) or services.agenda_for(
        event=event, user=request.user
    )
    starred = request.POST.get("star") == "1"
    services.agenda_star(agenda=agenda, session=session, starred=starred)
    messages.success(
        request,
        _("Ajoutée à votre agenda.") if starred else _("Retirée de votre agenda."),
    )
    response = redirect("events:session-detail", slug=event.slug, pk=session.pk)
    return remember_agenda(response, agenda)
