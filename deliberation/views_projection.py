"""The projected screen (issue 12): its page, pairing a room PC by a short code, and the
questionnaire's QR code it shows on request.

The page is read-only and renders no idea and no vote: everything it shows comes through its
socket (`?view=projection`), which carries the public's frames only (docs/protocol.md,
"Projection"). A room PC without a facilitator's session is paired with the meeting by a 6-digit
code the console shows: valid 10 minutes, used once, wrong guesses limited per address.
"""

from __future__ import annotations

import base64
import secrets
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from informaction.cache import count_in_window
from informaction.middleware import framable_by_same_origin
from informaction.qr import qr_svg
from rooms.models import Meeting
from rooms.roles import (
    PROJECTION_COOKIE,
    PROJECTION_COOKIE_AGE,
    may_project,
    paired_meeting,
    projection_pairing,
)
from rooms.web import facilitated_meeting

from .models import Questionnaire
from .views import join_url

PAIR_CODE_SECONDS = 600
PAIR_CODE_DIGITS = 6
# Wrong codes allowed per network address in a fixed window: guessing one live code among a
# million takes about 100,000 tries, so this makes it hopeless from one place.
PAIR_GUESSES = 10
PAIR_GUESS_WINDOW = 600
# How long the projected screen shows a page of ideas before the next (static/js/projection.js).
PAGE_SECONDS = 8


def _pair_key(code: str) -> str:
    return f"projection-pair:{code}"


def _projectable(request: HttpRequest, pk: int) -> Meeting:
    """The meeting `pk` if this browser may show its projection; 404 otherwise."""
    meeting = get_object_or_404(Meeting, pk=pk)
    paired = paired_meeting(request.COOKIES.get(PROJECTION_COOKIE))
    if not may_project(meeting, user=request.user, paired=paired):
        raise Http404
    return meeting


@framable_by_same_origin  # the console shows a small live preview of it
def projection(request: HttpRequest, pk: int) -> HttpResponse:
    """The projected screen: what the room may see, nothing else."""
    meeting = get_object_or_404(Meeting, pk=pk)
    paired = paired_meeting(request.COOKIES.get(PROJECTION_COOKIE))
    if not may_project(meeting, user=request.user, paired=paired):
        if request.user.is_authenticated:
            raise Http404
        return redirect("projection-pair")
    url = join_url(request, meeting)
    ws_path = reverse("ws-room-doc", kwargs={"code": meeting.join_code}) + "?view=projection"
    return render(
        request,
        "deliberation/projection.html",
        {
            "meeting": meeting,
            "join_url": url,
            # Shown without its scheme; the code is set apart so that it never wraps.
            "join_head": url.split("://", 1)[-1].removesuffix(meeting.join_code),
            "qr": qr_svg(url, title=_("Code QR pour rejoindre")),
            "ws_path": ws_path,
            "settings": {
                "page_seconds": PAGE_SECONDS,
                "questionnaire_url": reverse("projection-questionnaire", kwargs={"pk": pk}),
            },
        },
    )


@login_required
@require_POST
def pair_code(request: HttpRequest, pk: int) -> JsonResponse:
    """A fresh pairing code for the room PC (6 digits, 10 minutes, used once)."""
    meeting = facilitated_meeting(request, pk)
    for _attempt in range(20):
        code = f"{secrets.randbelow(10**PAIR_CODE_DIGITS):0{PAIR_CODE_DIGITS}d}"
        if cache.add(_pair_key(code), meeting.pk, PAIR_CODE_SECONDS):
            break
    else:  # pragma: no cover - a million codes, a handful alive
        return JsonResponse({"error": _("Aucun code libre, réessayez.")}, status=503)
    return JsonResponse({"code": code, "expires_in": PAIR_CODE_SECONDS})


def _guesses_left(request: HttpRequest, *, wrong: bool = False) -> bool:
    """Whether this address may still try a code (fixed windows, in the cache)."""
    window = int(time.time() // PAIR_GUESS_WINDOW)
    key = f"projection-guess:{request.META.get('REMOTE_ADDR', '')}:{window}"
    if wrong:
        count_in_window(key, PAIR_GUESS_WINDOW)
    return (cache.get(key) or 0) < PAIR_GUESSES


@require_http_methods(["GET", "POST"])
def pair(request: HttpRequest) -> HttpResponse:
    """The room PC types the code shown on the console; a right one pairs it with the meeting."""
    error = ""
    status = 200
    if request.method == "POST":
        code = "".join(ch for ch in request.POST.get("code", "") if ch.isdigit())
        if not _guesses_left(request):
            error = _("Trop d'essais depuis ce réseau : réessayez dans 10 minutes.")
            status = 429
        else:
            meeting_id = cache.get(_pair_key(code)) if len(code) == PAIR_CODE_DIGITS else None
            # delete() says whether this request took the code: two tabs cannot both use it.
            if meeting_id is not None and cache.delete(_pair_key(code)):
                response = redirect("projection", pk=meeting_id)
                response.set_cookie(
                    PROJECTION_COOKIE,
                    projection_pairing(meeting_id),
                    max_age=PROJECTION_COOKIE_AGE,
                    httponly=True,
                    secure=request.is_secure(),
                    samesite="Lax",
                )
                return response
            _guesses_left(request, wrong=True)
            error = _("Code inconnu ou expiré : demandez un nouveau code à la console d'animation.")
            status = 400
    return render(request, "deliberation/projection_pair.html", {"error": error}, status=status)


def questionnaire(request: HttpRequest, pk: int) -> JsonResponse:
    """The latest open questionnaire of the meeting, as the projected screen shows it."""
    meeting = _projectable(request, pk)
    latest = Questionnaire.objects.filter(meeting=meeting, is_open=True).order_by("-pk").first()
    if latest is None:
        return JsonResponse({"error": _("Aucun questionnaire ouvert.")}, status=404)
    path = reverse("questionnaire", kwargs={"token": latest.token})
    url = join_url_for_path(request, path)
    svg = qr_svg(url, title=_("Code QR du questionnaire"))
    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return JsonResponse({"title": latest.title, "url": url, "qr": data_uri})


def join_url_for_path(request: HttpRequest, path: str) -> str:
    """The absolute URL of `path` (SITE_URL when set), as printed in QR codes."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)
