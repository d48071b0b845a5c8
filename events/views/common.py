"""What the event pages share: absolute URLs, finding the event and session of a URL, the
personal agenda cookie, the error page of a secret link, the event's time zone."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from rooms.errors import DomainError

from .. import selectors
from ..models import Agenda, Event, Organization, Session
from ..permissions import can_edit_event

AGENDA_SALT = "informaction.events.agenda"
AGENDA_COOKIE_AGE = 365 * 24 * 3600


def base_url(request: HttpRequest) -> str:
    """Absolute URLs in feeds, QR codes and subscribe links."""
    if settings.SITE_URL:
        return settings.SITE_URL
    return f"{request.scheme}://{request.get_host()}"


def webcal(url: str) -> str:
    """The subscribe link of a feed: calendar apps open webcal:// as a subscription."""
    return "webcal://" + url.split("://", 1)[1] if "://" in url else url


def feed_links(request: HttpRequest, name: str, kwargs: dict) -> dict[str, str]:
    """The https and webcal links of the feed named `name`."""
    url = base_url(request) + reverse(f"events:{name}", kwargs=kwargs)
    return {"https": url, "webcal": webcal(url)}


def public_event(request: HttpRequest, slug: str) -> Event:
    """The event if this viewer may see it (published, or theirs), else 404."""
    event = selectors.event_for_viewer(slug, request.user)
    if event is None:
        raise Http404
    return event


def organizer_event(request: HttpRequest, slug: str) -> Event:
    """The event if this user may edit it, else 404 or 403."""
    event = get_object_or_404(Event.objects.select_related("organization"), slug=slug)
    if not can_edit_event(request.user, event):
        raise PermissionDenied
    return event


def session_of(event: Event, pk: int) -> Session:
    """A session of `event`, else 404."""
    return get_object_or_404(Session.objects.select_related("event"), pk=pk, event=event)


def organizations_of(user) -> QuerySet[Organization]:
    """The organizations `user` may create events for (every one for a superuser)."""
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(members=user)


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


# --- The personal agenda cookie (a browser's agenda without an account) -------------------------


def _agenda_cookie(event: Event) -> str:
    return f"ia_agenda_{event.pk}"


def agenda_from_cookie(request: HttpRequest, event: Event) -> Agenda | None:
    """The viewer's agenda for `event`: the user's, or the one named by the signed cookie."""
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


def remember_agenda(response: HttpResponse, agenda: Agenda) -> HttpResponse:
    """Set the signed cookie that finds `agenda` again from this browser."""
    response.set_cookie(
        _agenda_cookie(agenda.event),
        signing.Signer(salt=AGENDA_SALT).sign(agenda.token),
        max_age=AGENDA_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


# --- Secret links ---------------------------------------------------------------------------------


def link_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The page of an unknown (404) or expired (410) secret link."""
    status = 410 if exc.code.endswith(".expired") else 404
    return render(request, "events/link_error.html", {"message": exc.render()}, status=status)


def secret_link(find: Callable[[str], object]) -> Callable[[Callable], Callable]:
    """Resolve the URL's `token` with `find` and pass what it finds to the view in its place;
    an unknown or expired token gets the link error page."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, token: str, **kwargs) -> HttpResponse:
            try:
                found = find(token)
            except DomainError as exc:
                return link_error(request, exc)
            return view(request, found, *args, **kwargs)

        return wrapper

    return decorate


def private_page(request: HttpRequest, template: str, context: dict, *, zone: str) -> HttpResponse:
    """Render a page reached by a secret link in the event's time zone `zone`: never cached by
    a proxy, never indexed."""
    with timezone.override(zone):
        response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
