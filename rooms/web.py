"""The room over HTTP: the phone's device cookie, and finding the meeting a request is about.

Every app with pages of a room (deliberation's board and phone, voting's personal links, privacy's
"my data") identifies a phone and a facilitator's meeting the same way, through these helpers.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import selectors
from .forms import JoinCodeForm
from .models import Meeting
from .roles import is_facilitator

DEVICE_SALT = "informaction.device"


def device_from_cookie(value: str | None) -> str | None:
    """The device id inside a signed participant cookie's value, or None (absent or forged).
    The page and the socket (consumers/room.py) both read the cookie with it."""
    if not value:
        return None
    try:
        return signing.Signer(salt=DEVICE_SALT).unsign(value)
    except signing.BadSignature:
        return None


def device_of(request: HttpRequest) -> str | None:
    """The device id in the request's participant cookie, or None (no cookie, forged cookie)."""
    return device_from_cookie(request.COOKIES.get(settings.PARTICIPANT_COOKIE_NAME))


def new_device() -> str:
    """A fresh device id for a phone that has no cookie yet."""
    return secrets.token_urlsafe(24)


def remember_device(response: HttpResponse, device: str) -> HttpResponse:
    """Set the signed, httpOnly participant cookie that identifies this phone from now on."""
    response.set_cookie(
        settings.PARTICIPANT_COOKIE_NAME,
        signing.Signer(salt=DEVICE_SALT).sign(device),
        max_age=settings.PARTICIPANT_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def facilitated_meeting(request: HttpRequest, pk: int) -> Meeting:
    """The meeting `pk` if the logged-in user facilitates it; 404 otherwise."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if not is_facilitator(request.user, meeting):
        raise Http404
    return meeting


def meeting_or_404(request: HttpRequest, code: str) -> Meeting | HttpResponse:
    """The meeting with this join code, or the "unknown meeting" page (404) to return."""
    meeting = selectors.meeting_by_code(code)
    if meeting is None:
        return render(
            request,
            "deliberation/join_unknown.html",
            {"code": code[:12], "code_form": JoinCodeForm()},
            status=404,
        )
    return meeting
