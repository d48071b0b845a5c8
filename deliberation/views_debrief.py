"""HTTP pages of issue 6: minutes (preview, summary, downloads), breakout groups, questionnaires,
the event report, idea → programme session and seeding a board from a previous meeting."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from informaction.qr import qr_svg
from rooms import selectors as room_selectors
from rooms.errors import DomainError
from rooms.models import Meeting
from rooms.roles import Actor, is_facilitator
from rooms.web import device_of

from . import exporters, minutes, selectors, services
from .models import Idea, Questionnaire, Theme
from .views import join_url

QUESTIONNAIRE_COOKIE = "ia_questionnaire"


def _can_export(user, meeting: Meeting) -> bool:
    """Facilitators of the meeting, and organizers of the event its session belongs to."""
    if is_facilitator(user, meeting):
        return True
    if meeting.session_id is None or not user.is_authenticated:
        return False
    from events.permissions import can_edit_event

    return can_edit_event(user, meeting.session.event)


def _meeting_for_export(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("session__event"), pk=pk)
    if not _can_export(request.user, meeting):
        raise Http404
    return meeting


def _download(doc: minutes.MinutesDocument, fmt: str) -> HttpResponse:
    spec = exporters.FORMATS[fmt]
    response = HttpResponse(exporters.export(doc, fmt), content_type=spec.content_type)
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}.{spec.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _actor(request: HttpRequest) -> Actor:
    return Actor(user_id=request.user.pk, facilitator=True)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview, the editable summary, and one download link per format (?format=pdf…)."""
    meeting = _meeting_for_export(request, pk)
    if request.method == "POST":
        services.minutes_summary_update(
            meeting_id=meeting.pk,
            actor=_actor(request),
            client_id=None,
            summary=request.POST.get("summary", ""),
            place=request.POST.get("place"),
        )
        return redirect("minutes", pk=meeting.pk)
    doc = minutes.compile_minutes(selectors.minutes_source(meeting.pk))
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in exporters.FORMATS:
            raise Http404
        return _download(doc, fmt)
    return render(
        request,
        "deliberation/minutes.html",
        {
            "meeting": meeting,
            "doc": doc,
            "blocks": exporters._template_blocks(doc),
            "formats": exporters.FORMATS,
            "ideas": Idea.objects.filter(meeting=meeting, state="visible", kind="idea").order_by(
                "-support_count", "pk"
            )[:50],
            "themes": Theme.objects.filter(meeting=meeting),
            "events": _editable_events(request.user),
            "other_meetings": Meeting.objects.filter(owner=meeting.owner)
            .exclude(pk=meeting.pk)
            .order_by("-created_at")[:30],
            "questionnaires": [
                (
                    q,
                    selectors.questionnaire_results(q),
                    _questionnaire_url(request, q),
                    qr_svg(_questionnaire_url(request, q), title=q.title),
                )
                for q in meeting.questionnaires.all()
            ],
        },
    )


def _editable_events(user) -> list:
    from events.models import Event
    from events.permissions import can_edit_event

    return [e for e in Event.objects.order_by("-starts_on")[:50] if can_edit_event(user, e)]


# --- Breakout groups ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def groups_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_export(request, pk)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "bring_back":
                services.groups_bring_back(
                    meeting_id=meeting.pk, actor=_actor(request), client_id=None
                )
            else:
                services.groups_create(
                    meeting_id=meeting.pk,
                    actor=_actor(request),
                    client_id=None,
                    count=int(request.POST.get("count", "0")),
                )
            return redirect("groups", pk=meeting.pk)
        except (DomainError, ValueError) as exc:
            error = exc.render() if isinstance(exc, DomainError) else _("Nombre invalide.")
    groups = []
    for group in Meeting.objects.filter(parent=meeting).order_by("pk"):
        url = join_url(request, group)
        groups.append({"meeting": group, "url": url, "qr": qr_svg(url, title=group.title)})
    spread = request.build_absolute_uri(reverse("group-spread", kwargs={"code": meeting.join_code}))
    return render(
        request,
        "deliberation/groups.html",
        {
            "meeting": meeting,
            "groups": groups,
            "error": error,
            "spread_url": spread,
            "spread_qr": qr_svg(spread, title=_("Répartition automatique")),
            "max_groups": services.MAX_GROUPS,
        },
    )


def group_spread(request: HttpRequest, code: str) -> HttpResponse:
    """Spread evenly: send this phone to the group with the fewest participants (a GET creates
    nothing: it redirects to that group's join page)."""
    meeting = room_selectors.meeting_by_code(code)
    if meeting is None:
        raise Http404
    group = services.group_for_newcomer(parent=meeting)
    if group is None:
        return redirect("join", code=meeting.join_code)
    return redirect("join", code=group.join_code)


# --- Questionnaires -----------------------------------------------------------------------------


def _questionnaire_url(request: HttpRequest, questionnaire: Questionnaire) -> str:
    path = reverse("questionnaire", kwargs={"token": questionnaire.token})
    return settings.SITE_URL + path if settings.SITE_URL else request.build_absolute_uri(path)


@login_required
@require_POST
def questionnaire_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_export(request, pk)
    services.questionnaire_create(
        meeting_id=meeting.pk,
        actor=_actor(request),
        client_id=None,
        title=_("Votre avis sur « %(title)s »") % {"title": meeting.title},
    )
    return redirect("minutes", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    """The phone page reached by QR code: a few 1–5 scales and free text, no account."""
    item = get_object_or_404(Questionnaire, token=token)
    signer = signing.Signer(salt="informaction.questionnaire")
    respondent = device_of(request)
    if respondent is None:
        try:
            respondent = signer.unsign(request.COOKIES.get(QUESTIONNAIRE_COOKIE, ""))
        except signing.BadSignature:
            respondent = None
    error, done = "", False
    if request.method == "POST":
        respondent = respondent or secrets.token_urlsafe(24)
        try:
            services.questionnaire_answer(
                questionnaire=item,
                respondent=respondent,
                answers={q["key"]: request.POST.get(q["key"], "") for q in item.questions},
            )
            done = True
        except DomainError as exc:
            error = exc.render()
    response = render(
        request,
        "deliberation/questionnaire.html",
        {"questionnaire": item, "error": error, "done": done, "scale": range(1, 6)},
        status=400 if error else 200,
    )
    if request.method == "POST" and respondent and not device_of(request):
        response.set_cookie(
            QUESTIONNAIRE_COOKIE,
            signer.sign(respondent),
            max_age=settings.PARTICIPANT_COOKIE_AGE,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )
    return response


# --- Event report, idea → session, seeding ------------------------------------------------


@login_required
def event_report(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Every session of an event with attendance and debrief results; ?compare=<other event>
    puts two editions' questionnaires side by side; ?format= downloads."""
    from events.models import Event
    from events.permissions import can_edit_event

    event = get_object_or_404(Event, pk=event_pk)
    if not can_edit_event(request.user, event):
        raise Http404
    source = selectors.event_report_source(event)
    comparison, other = None, None
    compare_pk = request.GET.get("compare", "")
    if compare_pk.isdigit():
        other = Event.objects.filter(pk=int(compare_pk)).first()
        if other is not None and can_edit_event(request.user, other):
            other_source = selectors.event_report_source(other)
            comparison = selectors.questionnaires_compare(
                _all_questionnaires(source), _all_questionnaires(other_source)
            )
            source["comparison"] = {"with": other.title, "rows": comparison}
    doc = minutes.compile_event_report(source)
    if comparison:
        doc.blocks += [
            minutes.Heading(_("Comparaison avec « %(title)s »") % {"title": other.title}),
            minutes.Table(
                [_("Question"), event.title, other.title],
                [[r["label"], _mean(r["a"]), _mean(r["b"])] for r in comparison],
            ),
        ]
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in exporters.FORMATS:
            raise Http404
        return _download(doc, fmt)
    return render(
        request,
        "deliberation/event_report.html",
        {
            "event": event,
            "doc": doc,
            "blocks": exporters._template_blocks(doc),
            "formats": exporters.FORMATS,
            "others": [e for e in _editable_events(request.user) if e.pk != event.pk],
            "compare": other,
        },
    )


def _all_questionnaires(source: dict) -> list[dict]:
    found = list(source["questionnaires"])
    for session in source["sessions"]:
        for meeting in session["meetings"]:
            found += meeting["questionnaires"]
    return found


def _mean(value: float | None) -> str:
    return "—" if value is None else minutes.decimal(value)


@login_required
@require_POST
def session_from_idea(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: an idea or a theme becomes a programme session of an event (first day, 10:00,
    1 h 30: the organizer adjusts it in the programme)."""
    from zoneinfo import ZoneInfo

    from events.models import Event

    meeting = _meeting_for_export(request, pk)
    event = get_object_or_404(Event, pk=request.POST.get("event") or 0)
    idea = theme = None
    if request.POST.get("idea"):
        idea = get_object_or_404(Idea, pk=request.POST["idea"], meeting=meeting)
    elif request.POST.get("theme"):
        theme = get_object_or_404(Theme, pk=request.POST["theme"], meeting=meeting)
    else:
        raise Http404
    starts = datetime.combine(event.starts_on, time(10, 0), tzinfo=ZoneInfo(event.timezone))
    try:
        session = services.session_from_idea(
            user=request.user,
            event=event,
            meeting=meeting,
            idea=idea,
            theme=theme,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
        )
    except DomainError as exc:
        return HttpResponse(exc.render(), status=400, content_type="text/plain; charset=utf-8")
    return redirect(_session_url(session))


def _session_url(session) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse("events:session-edit", kwargs={"slug": session.event.slug, "pk": session.pk})
    except NoReverseMatch:  # the events app renamed its pages: fall back to the report
        return reverse("event-report", kwargs={"event_pk": session.event_id})


@login_required
@require_POST
def seed_from_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome of a previous meeting (edition) seeds this meeting's board."""
    meeting = get_object_or_404(Meeting, pk=pk)
    source = get_object_or_404(Meeting, pk=request.POST.get("source") or 0)
    if not (is_facilitator(request.user, meeting) and _can_export(request.user, source)):
        raise Http404
    services.ideas_seed_from_meeting(
        meeting_id=meeting.pk, actor=_actor(request), client_id=None, source=source
    )
    return redirect("board", pk=meeting.pk)
