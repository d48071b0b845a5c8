"""Mail through a real SMTP server started by the test (aiosmtpd on a free loopback port): the
received message carries a calendar entry a calendar app can read and a ticket a phone can
scan; a failing server loses nothing and a later run of the outbox worker delivers."""

from __future__ import annotations

import io
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from events import outbox
from events.enums import MailStatus
from events.ical import session_uid
from events.models import OutgoingMail, Registration
from tests.factories_events import make_session

from .mailhelpers import calendar_of, decode_qr, event_of, text_of, ticket_png

pytestmark = pytest.mark.django_db


class Inbox:
    """An aiosmtpd handler keeping what it receives; `refuse` first answers 451 that many
    times (a server that asks to try again later)."""

    def __init__(self, refuse: int = 0) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_settings(port: int):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
        DEFAULT_FROM_EMAIL="Festival <festival@example.org>",
        SITE_URL="https://reunion.example.org",
    )


class Server:
    def __init__(self, inbox: Inbox, port: int) -> None:
        self.controller = Controller(inbox, hostname="127.0.0.1", port=port)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@pytest.fixture
def session(event):
    return make_session(event, capacity=20, title="Atelier mobilité")


def register(session, django_capture_on_commit_callbacks) -> Registration:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("events:session-detail", kwargs={"slug": session.event.slug, "pk": session.pk}),
            {"name": "Awa Diallo", "email": "awa@example.org"},
        )
    assert response.status_code == 302  # the person is registered whatever the mail server does
    return Registration.objects.get(email="awa@example.org")


def test_registration_mail_through_a_real_smtp_server(session, django_capture_on_commit_callbacks):
    inbox, port = Inbox(), free_port()
    with smtp_settings(port), Server(inbox, port):
        awa = register(session, django_capture_on_commit_callbacks)

    ((recipients, message),) = inbox.messages
    assert recipients == ["awa@example.org"]
    assert message["From"] == "Festival <festival@example.org>"
    assert message["Subject"] == "Inscription confirmée : Atelier mobilité"
    assert message["Message-ID"].endswith("@example.org>")
    assert "https://reunion.example.org/programme/inscription/" in text_of(message)
    calendar = calendar_of(message)
    entry = event_of(calendar)
    assert calendar["METHOD"] == "REQUEST"
    assert str(entry["UID"]) == session_uid(session.uid.hex)
    assert entry["SEQUENCE"] == session.sequence
    assert str(entry["SUMMARY"]) == "Atelier mobilité"
    assert entry["DTSTART"].dt == session.starts_at
    assert str(entry["ORGANIZER"]) == "mailto:festival@example.org"
    assert decode_qr(ticket_png(message)) == (
        f"https://reunion.example.org/programme/billet/{awa.checkin_token}/"
    )
    assert OutgoingMail.objects.get().status == MailStatus.SENT


def test_server_down_keeps_the_mail_and_the_worker_sends_it_later(
    session, django_capture_on_commit_callbacks
):
    inbox, port = Inbox(), free_port()
    with smtp_settings(port):
        register(session, django_capture_on_commit_callbacks)  # nothing listens on the port
        waiting = OutgoingMail.objects.get()
        assert (waiting.status, waiting.attempts) == (MailStatus.PENDING, 1)
        assert "ConnectionRefusedError" in waiting.last_error
        assert waiting.next_attempt_at > timezone.now()  # backoff: not before a minute

        with Server(inbox, port):
            call_command("send_mail_outbox", stdout=io.StringIO())  # not due yet
            assert inbox.messages == []
            OutgoingMail.objects.update(next_attempt_at=timezone.now())  # the minute passed
            call_command("send_mail_outbox", stdout=io.StringIO())

    sent = OutgoingMail.objects.get()
    assert (sent.status, sent.attempts, sent.last_error) == (MailStatus.SENT, 2, "")
    ((recipients, message),) = inbox.messages
    assert message["Subject"] == "Inscription confirmée : Atelier mobilité"
    stored = outbox.parsed(OutgoingMail.objects.get())
    assert message["Message-ID"] == stored["Message-ID"]  # the very message queued, not a new one


def test_server_answering_try_later_gets_the_message_again(
    session, django_capture_on_commit_callbacks
):
    inbox, port = Inbox(refuse=1), free_port()
    with smtp_settings(port), Server(inbox, port):
        register(session, django_capture_on_commit_callbacks)
        assert "451" in OutgoingMail.objects.get().last_error
        OutgoingMail.objects.update(next_attempt_at=timezone.now())
        call_command("send_mail_outbox", stdout=io.StringIO())

    assert OutgoingMail.objects.get().status == MailStatus.SENT
    assert len(inbox.messages) == 1
