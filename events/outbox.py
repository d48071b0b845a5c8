"""The mail outbox: a message is stored in the transaction that causes it, sent after the commit,
and retried with backoff until the mail server takes it (docs/events.md, "Mail").

- `queue()` stores messages in the caller's transaction and asks for a send attempt once it
  commits (`transaction.on_commit`): nothing is sent for a change that rolls back, and a slow
  or failing mail server never holds a database transaction open. A message is rendered
  (events.mail.render) at its first attempt and stored: retries send the same bytes. More than
  SEND_AT_ONCE_MAX messages at once are left to the worker.
- `send_due()` (the `send_mail_outbox` worker, and the attempt after commit) claims each due
  message with a conditional update (a lease), so two workers never send one message at once,
  then hands it to Django's mail backend (SMTP when EMAIL_ENABLED, the console otherwise).
- A failure schedules the next attempt: 1, 2, 4… minutes (at most 2 hours apart), and gives up
  after MAX_ATTEMPTS (status "failed", shown on the organizer's mail page, which can retry).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage as MIMEMessage
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .enums import MailStatus
from .models import OutgoingMail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=2)
LEASE = timedelta(minutes=5)  # a claimed message is not claimed again before this
BATCH = 100
# A change that mails more people than this (an organizer's message, a big session moved)
# leaves them all to the worker: the organizer's request does not wait for the mail server.
SEND_AT_ONCE_MAX = 20


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones."""
    return min(MAX_DELAY, FIRST_DELAY * 2 ** max(0, attempts - 1))


class _RawMessage:
    """The stored bytes, shaped like the MIME object Django's backends write out."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n", **_kwargs) -> bytes:
        return self.raw.replace(b"\r\n", b"\n").replace(b"\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n", **_kwargs) -> str:
        return self.as_bytes(linesep=linesep).decode("ascii", "replace")

    def get_charset(self) -> None:
        return None


class StoredEmail(EmailMessage):
    """A Django EmailMessage whose MIME message was built when it was queued."""

    def __init__(self, mail: OutgoingMail) -> None:
        super().__init__(subject=mail.subject, to=[mail.to], from_email=settings.DEFAULT_FROM_EMAIL)
        self.raw = bytes(mail.message)
        self.outgoing_pk = mail.pk
        text = parsed(self).get_body(preferencelist=("plain",))
        self.body = text.get_content().replace("\r\n", "\n") if text is not None else ""

    def message(self, *args, **kwargs) -> _RawMessage:  # type: ignore[override]
        return _RawMessage(self.raw)


def queue(mails: list[OutgoingMail]) -> list[OutgoingMail]:
    """Store messages (in the caller's transaction) and try to send them after its commit."""
    if not mails:
        return []
    for mail in mails:
        mail.next_attempt_at = timezone.now()
    stored = OutgoingMail.objects.bulk_create(mails)
    ids = [mail.pk for mail in stored]  # PostgreSQL and SQLite ≥ 3.35 return them
    if len(ids) <= SEND_AT_ONCE_MAX:
        transaction.on_commit(lambda: send_after_commit(ids))
    return stored


def send_after_commit(ids: list[int]) -> None:
    """The first attempt, right after the commit. Never raises: the worker retries."""
    try:
        send(ids)
    except Exception:  # noqa: BLE001 - the outbox keeps the messages; the worker retries
        log.exception("mail: first attempt failed, the outbox worker will retry")


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _claim(ids: list[int], now: datetime) -> list[OutgoingMail]:
    """The messages among `ids` this process may send now (a lease: nobody else takes them)."""
    claimed = []
    for pk in ids:
        taken = OutgoingMail.objects.filter(
            pk=pk, status=MailStatus.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
        if taken:
            claimed.append(pk)
    return list(OutgoingMail.objects.filter(pk__in=claimed).order_by("pk"))


def _failed(mail: OutgoingMail, error: BaseException, report: SendReport) -> None:
    text = f"{type(error).__name__}: {error}"[:1000]
    if mail.attempts >= MAX_ATTEMPTS:
        report.failed += 1
        OutgoingMail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED, last_error=text)
        log.error(
            "mail %s to %s: giving up after %s attempts: %s", mail.pk, mail.to, mail.attempts, text
        )
    else:
        report.retrying += 1
        OutgoingMail.objects.filter(pk=mail.pk).update(
            next_attempt_at=timezone.now() + backoff(mail.attempts), last_error=text
        )
        log.warning("mail %s to %s: attempt %s failed: %s", mail.pk, mail.to, mail.attempts, text)


def _render_once(mail: OutgoingMail) -> None:
    """Build the MIME message at the first attempt and keep it for the retries."""
    if bytes(mail.message or b""):
        return
    from .mail import render  # the kinds of mail live in events/mail.py, which queues here

    mail.message = render(mail)
    OutgoingMail.objects.filter(pk=mail.pk).update(message=mail.message)


def send(ids: list[int]) -> SendReport:
    """Send these messages if they are due (one connection for all of them)."""
    report = SendReport()
    mails = _claim(ids, timezone.now())
    if not mails:
        return report
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - server down: every message waits for a retry
        for mail in mails:
            _failed(mail, exc, report)
        return report
    try:
        for mail in mails:
            try:
                _render_once(mail)
                connection.send_messages([StoredEmail(mail)])
            except Exception as exc:  # noqa: BLE001 - this message waits for a retry
                _failed(mail, exc, report)
            else:
                report.sent += 1
                OutgoingMail.objects.filter(pk=mail.pk).update(
                    status=MailStatus.SENT, sent_at=timezone.now(), last_error=""
                )
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - the messages are already marked
            log.warning("mail: closing the connection failed", exc_info=True)
    return report


def send_due(*, limit: int = BATCH) -> SendReport:
    """Send every message whose time has come, oldest first, `limit` at most."""
    ids = list(
        OutgoingMail.objects.filter(status=MailStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return send(ids)


def retry(mail: OutgoingMail) -> None:
    """An organizer asks to try a failed (or waiting) message again now."""
    OutgoingMail.objects.filter(pk=mail.pk).exclude(status=MailStatus.SENT).update(
        status=MailStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def parsed(mail: OutgoingMail | StoredEmail) -> MIMEMessage:
    """The stored message as a standard-library message (for pages and tests)."""
    from email import message_from_bytes, policy

    raw = mail.raw if isinstance(mail, StoredEmail) else bytes(mail.message)
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def sender_domain() -> str:
    """The domain of DEFAULT_FROM_EMAIL, for Message-IDs."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rsplit("@", 1)[-1] if "@" in address else "localhost"
