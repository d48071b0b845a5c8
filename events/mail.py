"""The mail people receive about their registrations, written in their own language as text
and HTML, stored in the outbox (events/outbox.py) in the transaction that causes it.

Kinds (docs/events.md, "Mail"): registration confirmed (ticket QR inline, the address
confirmation link, the cancel link, the session as an iTIP REQUEST), placed on the waiting list,
promoted from it, session changed (REQUEST, higher SEQUENCE) or cancelled (CANCEL), the
reminder the day before, and an organizer's message. Links are absolute: SITE_URL, or
http://localhost:8000 when it is empty (a system check warns when mail is on without SITE_URL).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage as MIMEMessage
from email.utils import formataddr, formatdate, make_msgid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from informaction.qr import qr_png

from . import outbox
from .enums import MailKind, RegistrationStatus
from .ical import build_invitation
from .models import OutgoingMail, Registration, Session

CONFIRM_SALT = "informaction.events.registration.confirm"
DEV_SITE_URL = "http://localhost:8000"
TICKET_CID = "billet"


def site_url() -> str:
    return settings.SITE_URL or DEV_SITE_URL


def one_line(text: str) -> str:
    """Header text: a line break in a name or a title would make an invalid header."""
    return " ".join((text or "").split())


def confirm_code(registration: Registration) -> str:
    """The secret of the confirmation link: an HMAC of the registration's token, so only the
    mail carries it (the token alone is shown on the registration page)."""
    return signing.Signer(salt=CONFIRM_SALT).signature(registration.token)


def confirm_code_ok(registration: Registration, code: str) -> bool:
    return constant_time_compare(confirm_code(registration), code or "")


def _url(name: str, **kwargs: str) -> str:
    return site_url() + reverse(name, kwargs=kwargs)


def _links(registration: Registration) -> dict[str, str]:
    return {
        "page": _url("events:registration-detail", token=registration.token),
        "cancel": _url("events:registration-cancel", token=registration.token),
        "confirm": _url(
            "events:registration-confirm",
            token=registration.token,
            code=confirm_code(registration),
        ),
        "ticket": _url("events:check-in", token=registration.checkin_token),
    }


def _when(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    day = formats.date_format(start, "l j F Y")
    return f"{day}, {formats.time_format(start, 'H:i')}–{formats.time_format(end, 'H:i')}"


def _where(session: Session) -> str:
    parts = [p.name for p in (session.room, session.venue) if p is not None]
    if session.venue is not None and session.venue.address:
        parts.append(session.venue.address)
    return ", ".join(parts)


def _subject(kind: str, session: Session, restored: bool = False) -> str:
    subjects = {
        MailKind.CONFIRMED: _("Inscription confirmée : %(title)s"),
        MailKind.WAITING: _("Liste d'attente : %(title)s"),
        MailKind.PROMOTED: _("Une place pour vous : %(title)s"),
        MailKind.CHANGED: _("Séance modifiée : %(title)s"),
        MailKind.CANCELLED: _("Séance annulée : %(title)s"),
        MailKind.REMINDER: _("Rappel : %(title)s"),
        MailKind.UNREGISTERED: _("Inscription annulée : %(title)s"),
    }
    if restored:
        return _("Séance rétablie : %(title)s") % {"title": session.title}
    return subjects[kind] % {"title": session.title}


def _intro(kind: str, registration: Registration, restored: bool) -> list[str]:
    """The opening paragraphs of each kind of mail."""
    from .selectors import waiting_position

    title = registration.session.title
    if kind == MailKind.CONFIRMED:
        return [_("Votre inscription à « %(title)s » est confirmée.") % {"title": title}]
    if kind == MailKind.WAITING:
        return [
            _("La séance « %(title)s » est complète : vous êtes sur la liste d'attente.")
            % {"title": title},
            _(
                "Position : %(n)s. Si une place se libère, elle vous est attribuée "
                "automatiquement et vous recevrez un courriel."
            )
            % {"n": waiting_position(registration) or 1},
        ]
    if kind == MailKind.PROMOTED:
        return [
            _("Bonne nouvelle : une place s'est libérée à « %(title)s ». Vous êtes inscrit·e.")
            % {"title": title}
        ]
    if kind == MailKind.CHANGED:
        if restored:
            return [
                _("La séance « %(title)s » est rétablie : elle aura bien lieu.") % {"title": title}
            ]
        return [
            _(
                "La séance « %(title)s » a changé. Voici ses nouvelles informations ; votre "
                "agenda se met à jour avec la pièce jointe."
            )
            % {"title": title}
        ]
    if kind == MailKind.CANCELLED:
        return [
            _(
                "La séance « %(title)s » est annulée par l'organisation. Nous sommes désolés. "
                "Votre agenda retire la séance avec la pièce jointe."
            )
            % {"title": title}
        ]
    if kind == MailKind.UNREGISTERED:
        return [
            _(
                "Votre inscription à « %(title)s » est annulée, comme vous l'avez demandé. "
                "Merci de nous avoir prévenus : votre place va à une autre personne."
            )
            % {"title": title}
        ]
    if kind == MailKind.REMINDER:
        return [
            _("Petit rappel : vous êtes inscrit·e à « %(title)s ». À bientôt !") % {"title": title}
        ]
    return []


def compose(
    registration: Registration,
    kind: str,
    *,
    restored: bool = False,
    subject: str = "",
    message: str = "",
    ics_method: str | None = None,
) -> OutgoingMail:
    """One mail for one registration, not stored and not rendered yet: only its subject (in the
    person's language). The message itself is rendered when it is first sent (`render`), after
    the commit: queuing costs an INSERT inside the caller's transaction (which may hold the
    session's lock), not a QR code and a calendar. `subject` and `message` are an organizer's
    own words (kind MESSAGE)."""
    session = registration.session
    language = registration.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = one_line(subject or _subject(kind, session, restored))
    return OutgoingMail(
        event_id=session.event_id,
        session=session,
        registration=registration,
        kind=kind,
        to=registration.email,
        subject=subject[:300],
        params={"restored": restored, "message": message, "ics_method": ics_method},
    )


def render(outgoing: OutgoingMail) -> bytes:
    """The whole MIME message of a queued mail, from the registration as it is now, in the
    person's language and the event's time zone."""
    registration = (
        Registration.objects.select_related("session__event", "session__venue", "session__room")
        .filter(pk=outgoing.registration_id)
        .first()
    )
    if registration is None:
        raise ValueError("the registration of this mail was deleted")
    session, kind, params = registration.session, outgoing.kind, outgoing.params or {}
    event = session.event
    language = registration.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(event.timezone):
        seated = registration.status == RegistrationStatus.REGISTERED and not session.cancelled
        ticket = seated and kind in (MailKind.CONFIRMED, MailKind.PROMOTED, MailKind.REMINDER)
        context = {
            "registration": registration,
            "session": session,
            "event": event,
            "kind": kind,
            "intro": _intro(kind, registration, bool(params.get("restored"))),
            "organizer_text": params.get("message") or "",
            "when": _when(session),
            "where": _where(session),
            "links": _links(registration),
            "ticket_cid": TICKET_CID if ticket else "",
            "ask_confirm": (
                registration.status != RegistrationStatus.CANCELLED
                and not registration.is_confirmed
                and kind in (MailKind.CONFIRMED, MailKind.WAITING, MailKind.PROMOTED)
            ),
            "can_cancel": registration.status != RegistrationStatus.CANCELLED
            and not session.cancelled,
            "language": language,
        }
        text = render_to_string("events/mail/message.txt", context)
        html = render_to_string("events/mail/message.html", context)
        method = params.get("ics_method")
        if method is None:
            method = _ics_method(kind, registration)
        ics = _invitation(registration, method) if method else None
        qr = qr_png(context["links"]["ticket"]) if ticket else None
    return _mime(registration, outgoing.subject, text, html, language, ics, method, qr)


def _ics_method(kind: str, registration: Registration) -> str:
    """Which iTIP message goes with the mail: only seated people have the session in their
    calendar (the waiting list gets none)."""
    if kind == MailKind.CANCELLED:
        return "CANCEL" if registration.status == RegistrationStatus.REGISTERED else ""
    if registration.status != RegistrationStatus.REGISTERED:
        return ""
    if kind in (MailKind.CONFIRMED, MailKind.PROMOTED, MailKind.CHANGED):
        return "REQUEST"
    return ""


def _invitation(registration: Registration, method: str) -> bytes:
    from .selectors import feed_sessions

    session = registration.session
    (item,) = feed_sessions(Session.objects.filter(pk=session.pk), site_url())
    return build_invitation(
        method=method,
        item=item,
        zone_name=session.event.timezone,
        organizer=(session.event.title, _from_address()),
        attendee=(registration.name, registration.email),
        stamp=timezone.now(),
    )


def _from_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"


def _mime(
    registration: Registration,
    subject: str,
    text: str,
    html: str,
    language: str,
    ics: bytes | None,
    method: str,
    qr: bytes | None,
) -> bytes:
    """multipart/mixed [ alternative [ text, related [ html, ticket PNG ] ], session.ics ]."""
    msg = MIMEMessage()
    msg["Subject"] = subject
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = formataddr((one_line(registration.name), registration.email))
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=outbox.sender_domain())
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if qr is not None:
        html_part = msg.get_payload()[1]
        html_part.add_related(
            qr,
            maintype="image",
            subtype="png",
            cid=f"<{TICKET_CID}>",
            disposition="inline",  # shown in the HTML, not listed as an attachment
            filename="billet.png",
        )
    if ics is not None:
        msg.add_attachment(
            ics,
            maintype="text",
            subtype="calendar",
            filename="seance.ics",
            params={"method": method, "charset": "utf-8"},
        )
    msg["Content-Language"] = language  # after the parts: they take the Content-* headers
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


# --- What the services call, inside their transaction ---------------------------------------------


def registration_created(registration: Registration) -> None:
    kind = (
        MailKind.CONFIRMED
        if registration.status == RegistrationStatus.REGISTERED
        else MailKind.WAITING
    )
    outbox.queue([compose(registration, kind)])


def unregistered(registration: Registration, *, was_seated: bool) -> None:
    """The person cancelled: a receipt, and a CANCEL that removes the session from the calendar
    the confirmation mail put it in (only seated people got one)."""
    method = "CANCEL" if was_seated else ""
    outbox.queue([compose(registration, MailKind.UNREGISTERED, ics_method=method)])


RESEND_EVERY = timedelta(minutes=10)


def resend(registration: Registration) -> None:
    """The person lost the registration mail (the confirmation link, the ticket): send it again,
    at most once every 10 minutes. Raises DomainError registration.resend_cancelled,
    registration.resend_too_soon."""
    from rooms.errors import DomainError

    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError("registration.resend_cancelled", _("Cette inscription est annulée."))
    recent = OutgoingMail.objects.filter(
        registration=registration,
        kind__in=[MailKind.CONFIRMED, MailKind.WAITING, MailKind.PROMOTED],
        created_at__gt=timezone.now() - RESEND_EVERY,
    )
    if recent.exists():
        raise DomainError(
            "registration.resend_too_soon",
            _(
                "Un courriel vient de partir : attendez quelques minutes et regardez aussi dans "
                "les indésirables (spam)."
            ),
        )
    registration_created(registration)


def promoted(registrations: list[Registration]) -> None:
    outbox.queue([compose(r, MailKind.PROMOTED) for r in registrations])


def _active(session: Session) -> list[Registration]:
    return list(
        session.registrations.filter(
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
        ).select_related("session__event", "session__venue", "session__room")
    )


def session_changed(session: Session) -> None:
    """Everyone registered (or waiting) hears of the new date, time or place."""
    outbox.queue([compose(r, MailKind.CHANGED) for r in _active(session)])


def session_cancelled(session: Session, *, restored: bool = False) -> None:
    kind = MailKind.CHANGED if restored else MailKind.CANCELLED
    outbox.queue([compose(r, kind, restored=restored) for r in _active(session)])


def reminder(registrations: list[Registration]) -> None:
    outbox.queue([compose(r, MailKind.REMINDER) for r in registrations])


def organizer_message(
    session: Session, *, subject: str, message: str, include_waiting: bool
) -> int:
    """The organizer's message to everyone registered (and the waiting list if asked)."""
    people = [
        r for r in _active(session) if include_waiting or r.status == RegistrationStatus.REGISTERED
    ]
    outbox.queue([compose(r, MailKind.MESSAGE, subject=subject, message=message) for r in people])
    return len(people)


# --- The day-before reminder ------------------------------------------------------------------

REMINDER_FRESH = timedelta(hours=12)  # registered or promoted this recently: no reminder
REMINDER_HOUR = 9  # tomorrow's sessions are reminded from 09:00 (event time) the day before
REMINDER_LATE = timedelta(hours=20)  # a run that came late still reminds sessions this close


def due_reminders(now: datetime | None = None) -> list[Registration]:
    """Seated registrations not yet reminded, of sessions not cancelled that start tomorrow in
    their event's time zone, from 09:00 today there (or within 20 hours, for a run that came
    late). People who registered or were promoted in the last 12 hours just had a mail: none
    for them."""
    now = now or timezone.now()
    candidates = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        reminded_at__isnull=True,
        session__cancelled=False,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(hours=48),
        created_at__lte=now - REMINDER_FRESH,
    ).select_related("session__event", "session__venue", "session__room")
    due = []
    for registration in candidates:
        if registration.promoted_at and registration.promoted_at > now - REMINDER_FRESH:
            continue
        session = registration.session
        local_now = now.astimezone(ZoneInfo(session.event.timezone))
        tomorrow = local_now.date() + timedelta(days=1)
        starts_tomorrow = session.starts_at.astimezone(local_now.tzinfo).date() == tomorrow
        if (starts_tomorrow and local_now.hour >= REMINDER_HOUR) or (
            session.starts_at <= now + REMINDER_LATE
        ):
            due.append(registration)
    return due


def queue_reminders(now: datetime | None = None) -> int:
    """Queue the reminders due now; each registration is claimed by a conditional update in
    the transaction that queues its mail, so two runs never remind anyone twice."""
    now = now or timezone.now()
    count = 0
    for registration in due_reminders(now):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                reminder([registration])
                count += 1
    return count
