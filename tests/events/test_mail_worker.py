"""The outbox worker's loop (`send_mail_outbox --loop`): it keeps going through a database
outage and stops cleanly when asked (SIGTERM sets the same flag)."""

from __future__ import annotations

import io

from django.db import OperationalError

from events import outbox
from events.management.commands import send_mail_outbox


def test_loop_survives_a_database_outage_and_stops_when_asked(monkeypatch):
    command = send_mail_outbox.Command(stdout=io.StringIO())
    rounds: list[str] = []

    def send_due() -> outbox.SendReport:
        rounds.append("round")
        if len(rounds) == 1:
            raise OperationalError("the database restarts")
        if len(rounds) == 3:
            command._stop()
        return outbox.SendReport(sent=1)

    monkeypatch.setattr(outbox, "send_due", send_due)
    monkeypatch.setattr(send_mail_outbox, "close_old_connections", lambda: None)  # no database

    command.handle(loop=True, interval=0.01)

    assert len(rounds) == 3
    assert command.stdout.getvalue().splitlines() == [
        "sent 1, retrying 0, failed 0",
        "sent 1, retrying 0, failed 0",
    ]


def test_backoff_doubles_up_to_two_hours():
    minutes = [outbox.backoff(n).total_seconds() / 60 for n in range(1, 11)]

    assert minutes == [1, 2, 4, 8, 16, 32, 64, 120, 120, 120]


def test_console_backend_prints_the_stored_message():
    # EMAIL_ENABLED=False (development): the stored message is printed as it would be sent.
    from django.core.mail.backends.console import EmailBackend

    from events.models import OutgoingMail

    raw = (
        b"Subject: =?utf-8?q?Inscription_confirm=C3=A9e?=\r\nTo: awa@example.org\r\n"
        b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
        + b"Bonjour Awa,\r\n"
    )
    stored = outbox.StoredEmail(OutgoingMail(to="awa@example.org", subject="x", message=raw))
    stream = io.StringIO()

    EmailBackend(stream=stream).send_messages([stored])

    assert stored.body == "Bonjour Awa,\n"
    assert "Subject: =?utf-8?q?Inscription_confirm=C3=A9e?=" in stream.getvalue()
    assert "Bonjour Awa," in stream.getvalue()
