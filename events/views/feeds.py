"""iCal feeds: a whole event, one track, venue or speaker, one session, a personal agenda.

Conditional GET and a cache keep an unchanged feed cheap; CORS lets partner sites fetch them.
The calendar itself is built by events/ical.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors
from ..ical import build_calendar
from ..models import Agenda, Event, Session, Speaker, Track, Venue
from .common import base_url, public_event, secret_link, session_of

FEED_METHODS = ["GET", "HEAD", "OPTIONS"]


def _cors(response: HttpResponse) -> HttpResponse:
    """Feeds are public data: partner sites may fetch them from the browser."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Max-Age"] = "86400"
    return _cors(response)


def _calendar(
    *, etag: str, host: str, event: Event, name: str, sessions: QuerySet[Session], key: tuple
) -> str:
    """The feed's body, cached under its ETag (a new version gets a new cache key)."""
    cache_key = f"events.feed.{etag}"
    body = cache.get(cache_key)
    if body is None:
        body = build_calendar(
            name=name,
            zone_name=event.timezone,
            sessions=selectors.feed_sessions(sessions, host),
            calendar_uid=f"{event.slug}.{key[0]}.{key[1] if len(key) > 1 else 'all'}@informaction",
            description=event.description[:500],
            url=host + reverse("events:programme", kwargs={"slug": event.slug}),
            fallback_dates=(event.starts_on, event.ends_on),
        )
        cache.set(cache_key, body, 3600)
    return body


def _versioned(
    response: HttpResponse, etag: str, last_modified: datetime, private: bool
) -> HttpResponse:
    """Add the validators and caching headers every feed answer carries (304s too)."""
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = (
        "private, max-age=0, must-revalidate" if private else "public, max-age=300"
    )
    patch_vary_headers(response, ["Accept-Language"])
    return _cors(response)


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
        return _preflight()
    host = base_url(request)
    etag, last_modified = selectors.feed_version(event, *key, host, translation.get_language())
    quoted = f'"{etag}"'
    response = get_conditional_response(
        request, etag=quoted, last_modified=int(last_modified.timestamp())
    )
    if response is None:
        body = _calendar(etag=etag, host=host, event=event, name=name, sessions=sessions, key=key)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _versioned(response, quoted, last_modified, private)


@require_http_methods(FEED_METHODS)
def feed_event(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(request, slug)
    return _feed(
        request,
        event=event,
        name=event.title,
        sessions=Session.objects.filter(event=event),
        key=("event",),
        filename=f"{event.slug}.ics",
    )


def _part_feed_view(
    model: type[Model], *, kind: str, field: str, lookup: str, suffix: Callable[[Model], str]
) -> Callable[..., HttpResponse]:
    """The feed view of one track, venue or speaker: the URL names it by `field` in the
    argument `kind`; its sessions are those whose `lookup` is it."""

    @require_http_methods(FEED_METHODS)
    def view(request: HttpRequest, slug: str, **kwargs: object) -> HttpResponse:
        event = public_event(request, slug)
        part = get_object_or_404(model, event=event, **{field: kwargs[kind]})
        return _feed(
            request,
            event=event,
            name=f"{event.title} – {part.name}",
            sessions=Session.objects.filter(event=event, **{lookup: part}),
            key=(kind, part.pk),
            filename=f"{event.slug}-{suffix(part)}.ics",
        )

    view.__name__ = view.__qualname__ = f"feed_{kind}"
    return view


feed_track = _part_feed_view(
    Track, kind="track", field="slug", lookup="track", suffix=lambda t: t.slug
)
feed_venue = _part_feed_view(
    Venue, kind="venue", field="pk", lookup="venue", suffix=lambda v: f"lieu-{v.pk}"
)
feed_speaker = _part_feed_view(
    Speaker, kind="speaker", field="slug", lookup="speakers", suffix=lambda s: s.slug
)


@require_http_methods(FEED_METHODS)
def feed_session(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = public_event(request, slug)
    session = session_of(event, pk)
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
@secret_link(selectors.agenda_by_token)
def feed_agenda(request: HttpRequest, agenda: Agenda) -> HttpResponse:
    """A personal agenda's feed (its token is the secret)."""
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
