"""Reading the mail the app sent (Django's locmem outbox) as a reader's mail program would."""

from __future__ import annotations

import re
from email.message import EmailMessage

import icalendar
from django.core import mail

from events import outbox


def received(to: str | None = None) -> list[EmailMessage]:
    """The messages in the locmem outbox (to `to` only, if given), parsed."""
    return [outbox.parsed(m) for m in mail.outbox if to is None or to in m.to]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def calendar_of(message: EmailMessage) -> icalendar.Calendar | None:
    """The .ics attachment, parsed (None when the mail has none)."""
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return None


def ticket_png(message: EmailMessage) -> bytes | None:
    """The inline ticket image the HTML part shows (cid:billet)."""
    for part in message.walk():
        if part.get_content_type() == "image/png" and part["Content-ID"] == "<billet>":
            return part.get_payload(decode=True)
    return None


def decode_qr(png: bytes) -> str:
    """Read a QR code image as a phone would (OpenCV's ArUco-based detector)."""
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    text, _points, _code = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return text


def link(message: EmailMessage, marker: str) -> str:
    """The first absolute link in the text part that contains `marker`."""
    found = re.search(rf"https?://\S*{re.escape(marker)}\S*", text_of(message))
    assert found, f"no link with {marker!r} in:\n{text_of(message)}"
    return found.group(0)


def event_of(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event
