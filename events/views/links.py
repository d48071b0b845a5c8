"""The pages behind secret links (random tokens, no account): a registration's confirmation
page with its QR ticket, its cancel link, the address confirmation link of its mail, sending
that mail again, and the personal agenda.

Rules live in events/services.py and events/mail.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from informaction.qr import qr_svg
from rooms.errors import DomainError

from .. import mail, selectors, services
from ..enums import RegistrationStatus
from ..models import Agenda, Registration
from .common import (
    base_url,
    feed_links,
    link_error,
    private_page,
    remember_agenda,
    secret_link,
)


def _ticket(request: HttpRequest, registration: Registration) -> str:
    """The QR code to show at the door (none on the waiting list or for a cancelled session)."""
    if registration.status != RegistrationStatus.REGISTERED or registration.session.cancelled:
        return ""
    checkin_url = base_url(request) + reverse(
        "events:check-in", kwargs={"token": registration.checkin_token}
    )
    return qr_svg(checkin_url, title=_("Billet à présenter à l'entrée"))


def _agenda_links(request: HttpRequest, registration: Registration) -> dict[str, str] | None:
    """The personal agenda's page and feed links, if the registration has an agenda."""
    if registration.agenda is None:
        return None
    return {
        "page": reverse("events:agenda", kwargs={"token": registration.agenda.token}),
        **feed_links(request, "feed-agenda", {"token": registration.agenda.token}),
    }


@secret_link(selectors.registration_by_token)
def registration_detail(request: HttpRequest, registration: Registration) -> HttpResponse:
    """The confirmation page: status, QR ticket, cancel link, personal agenda link."""
    session = registration.session
    event = session.event
    ticket = _ticket(request, registration)
    agenda_links = _agenda_links(request, registration)
    return private_page(
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
        zone=event.timezone,
    )


@require_http_methods(["GET", "POST"])
@secret_link(selectors.registration_by_token)
def registration_cancel(request: HttpRequest, registration: Registration) -> HttpResponse:
    """The cancel link: GET asks for confirmation (link previews must not cancel), POST cancels."""
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


@secret_link(selectors.registration_by_token)
def registration_confirm(
    request: HttpRequest, registration: Registration, code: str
) -> HttpResponse:
    """The link of the confirmation mail. A GET confirms: only the mailbox's owner (or their
    mail system) has the link, which is what confirming an address means."""
    try:
        registration = services.registration_confirm_email(registration=registration, code=code)
    except DomainError as exc:
        return link_error(request, exc)
    session = registration.session
    return private_page(
        request,
        "events/registration_confirmed.html",
        {"registration": registration, "session": session, "event": session.event},
        zone=session.event.timezone,
    )


@require_POST
@secret_link(selectors.registration_by_token)
def registration_resend(request: HttpRequest, registration: Registration) -> HttpResponse:
    """Send the registration mail again (a button on the registration page)."""
    try:
        with transaction.atomic():
            mail.resend(registration)
    except DomainError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(
            request,
            _("Courriel renvoyé à %(email)s.") % {"email": registration.email},
        )
    return redirect("events:registration-detail", token=registration.token)


@secret_link(selectors.agenda_by_token)
def agenda(request: HttpRequest, agenda: Agenda) -> HttpResponse:
    """The personal agenda: starred sessions and registrations, with its feed link."""
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
    response = private_page(
        request,
        "events/agenda.html",
        {
            "agenda": agenda,
            "event": event,
            "rows": rows,
            "feed": feed_links(request, "feed-agenda", {"token": agenda.token}),
        },
        zone=event.timezone,
    )
    return remember_agenda(response, agenda) if not request.user.is_authenticated else response
