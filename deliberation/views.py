"""HTTP pages: home, join by code, the phone page, the facilitator's board, poster and settings."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from informaction.cache import count_in_window
from informaction.qr import qr_svg
from informaction.shared_pages import Slot, render_shared
from rooms import pages
from rooms import selectors as room_selectors
from rooms import services as room_services
from rooms.errors import DomainError
from rooms.forms import JoinCodeForm, JoinForm
from rooms.models import Meeting, Participant
from rooms.web import device_of, facilitated_meeting, meeting_or_404, new_device, remember_device

from . import services
from .forms import MeetingForm
from .payloads import max_lengths


def join_url(request: HttpRequest, meeting: Meeting) -> str:
    """The absolute URL printed in the QR code."""
    path = reverse("join", kwargs={"code": meeting.join_code})
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


HOME_PROGRAMMES = 3


def home(request: HttpRequest) -> HttpResponse:
    """Join by code; the latest published programmes; a facilitator's meetings."""
    from events.models import Event

    meetings = []
    if request.user.is_authenticated:
        meetings = (
            Meeting.objects.filter(Q(owner=request.user) | Q(facilitators=request.user))
            .distinct()
            .order_by("-created_at")
        )
    programmes = Event.objects.filter(published=True).order_by("-starts_on")[:HOME_PROGRAMMES]
    return render(
        request,
        "deliberation/home.html",
        {"meetings": meetings, "code_form": JoinCodeForm(), "programmes": programmes},
    )


def join_by_code(request: HttpRequest) -> HttpResponse:
    """The "type the code" form on the home page."""
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("join", code=form.cleaned_data["code"])
    return render(
        request, "deliberation/home.html", {"meetings": [], "code_form": form}, status=400
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    """The URL in the QR code: a one-tap join, no account."""
    meeting = meeting_or_404(request, code)
    if isinstance(meeting, HttpResponse):
        return meeting
    if meeting.join_code != code:
        return redirect("join", code=meeting.join_code)
    device = device_of(request)
    participant = room_selectors.participant_for_device(meeting, device)
    if request.method == "GET" and participant is None:
        return _new_phone_join_page(request, meeting)
    form = JoinForm(
        request.POST or None,
        initial={
            "name": participant.display_name if participant else "",
            "listed": participant.listed if participant else False,
        },
    )
    if request.method == "POST" and device is None and not _new_device_allowed(request):
        form.add_error(
            None, _("Trop de téléphones ont rejoint depuis ce réseau : réessayez dans 10 minutes.")
        )
        return render(
            request,
            "deliberation/join.html",
            {"meeting": meeting, "form": form, "participant": participant},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        device = device or new_device()
        try:
            room_services.participant_join(
                meeting=meeting,
                device=device,
                display_name=form.cleaned_data["name"],
                listed=form.cleaned_data["listed"],
            )
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            return remember_device(redirect("phone", code=meeting.join_code), device)
    return render(
        request,
        "deliberation/join.html",
        {"meeting": meeting, "form": form, "participant": participant},
    )


def _new_phone_join_page(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The join page of a phone that has not joined: the same for every such phone (but for its
    CSRF token), so rendered once for a hall of them scanning the QR code at once (issue 14)."""
    shown = (meeting.pk, meeting.title, meeting.description, meeting.phase)
    return render_shared(
        request,
        "deliberation/join.html",
        {"meeting": meeting, "form": JoinForm(), "participant": None},
        key=("join", *shown),
    )


JOIN_WINDOW_SECONDS = 600


def _new_device_allowed(request: HttpRequest) -> bool:
    """Count a new phone against its network address (fixed 10-minute windows, in the cache)."""
    window = int(time.time() // JOIN_WINDOW_SECONDS)
    key = f"join-address:{request.META.get('REMOTE_ADDR', '')}:{window}"
    return count_in_window(key, JOIN_WINDOW_SECONDS) <= settings.JOIN_LIMIT_PER_ADDRESS


def phone(request: HttpRequest, code: str) -> HttpResponse:
    meeting = room_selectors.meeting_by_code(code)
    if meeting is None:
        raise Http404
    participant = room_selectors.participant_for_device(meeting, device_of(request))
    if participant is None:
        return redirect("join", code=meeting.join_code)
    return _phone_page(request, meeting, participant)


_PHONE_NAME = Slot("phone-name")


def _phone_page(request: HttpRequest, meeting: Meeting, participant: Participant) -> HttpResponse:
    """The room's page of a phone: the same for every phone (but for its name, its CSRF token
    and what other domains add), so rendered once for a hall of phones arriving (issue 14).
    The board itself comes over the socket."""
    extra = pages.page_context("phone", request, meeting, participant)
    named = bool(participant.display_name)
    shown = (meeting.pk, meeting.join_code, meeting.title, meeting.phase, meeting.allow_questions)
    return render_shared(
        request,
        "deliberation/phone.html",
        {
            "meeting": meeting,
            "participant": {"display_name": _PHONE_NAME.text if named else ""},
            "limits": max_lengths(),
            "ws_path": reverse("ws-room-doc", kwargs={"code": meeting.join_code}),
            **extra,
        },
        key=("phone", *shown, named, repr(sorted(extra.items()))),
        fills={_PHONE_NAME: participant.display_name},
    )


# Which field of the meeting form a refusal of services.meeting_create is shown under.
_FIELD_OF_ERROR = {
    "meeting.session_forbidden": "session",
    "meeting.description_too_long": "description",
}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                owner=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                session_id=form.cleaned_data["session"].pk
                if form.cleaned_data["session"]
                else None,
                premoderation=form.cleaned_data["premoderation"],
                hidden_until_reveal=form.cleaned_data["hidden_until_reveal"],
            )
        except DomainError as exc:
            form.add_error(_FIELD_OF_ERROR.get(exc.code, "title"), exc.render())
        else:
            return redirect("meeting-detail", pk=meeting.pk)
    return render(request, "deliberation/meeting_form.html", {"form": form})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = facilitated_meeting(request, pk)
    url = join_url(request, meeting)
    return render(
        request,
        "deliberation/meeting_detail.html",
        {
            "meeting": meeting,
            "join_url": url,
            "qr": qr_svg(url, title=_("Code QR pour rejoindre")),
            **pages.page_context("meeting-detail", request, meeting),
        },
    )


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    """The projector view, with the facilitator's moderation panel."""
    meeting = facilitated_meeting(request, pk)
    from . import clustering

    threading.Thread(target=clustering.warm_up, daemon=True).start()
    url = join_url(request, meeting)
    return render(
        request,
        "deliberation/board.html",
        {
            "meeting": meeting,
            "join_url": url,
            "qr": qr_svg(url, title=_("Code QR pour rejoindre")),
            "limits": max_lengths(),
            "ws_path": reverse("ws-room-doc", kwargs={"code": meeting.join_code}),
            "theme_presets": _theme_presets(),
            "theme_colors": list(services.THEME_COLORS),
        },
    )


def _theme_presets() -> list[dict[str, str]]:
    """The built-in themes for the board's picker (read by static/js/board-themes.js)."""
    from django.utils.translation import get_language

    from .theme_presets import PRESETS

    english = (get_language() or "").startswith("en")
    return [
        {"slug": p.slug, "label": p.label_en if english else p.label_fr, "color": p.color}
        for p in PRESETS
    ]


@login_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable A4 poster with the QR code and the join code."""
    meeting = facilitated_meeting(request, pk)
    url = join_url(request, meeting)
    return render(
        request,
        "deliberation/poster.html",
        {"meeting": meeting, "join_url": url, "qr": qr_svg(url, title=_("Code QR pour rejoindre"))},
    )


def qr_code(request: HttpRequest, code: str) -> HttpResponse:
    """The join QR code as an SVG file (for slides and printed programmes)."""
    meeting = room_selectors.meeting_by_code(code)
    if meeting is None:
        raise Http404
    response = HttpResponse(qr_svg(join_url(request, meeting)), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def ws_room_doc(request: HttpRequest, code: str) -> HttpResponse:
    """Plain HTTP on the WebSocket path: say what it is instead of a bare 404."""
    return HttpResponse(
        _("Ce chemin est une connexion WebSocket ; voir docs/protocol.md."),
        status=426,
        content_type="text/plain; charset=utf-8",
    )
