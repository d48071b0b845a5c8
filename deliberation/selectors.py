"""Reads of the board: the snapshot part of ideas, themes and groups, and the minutes source."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Prefetch, Q
from django.utils import timezone

from rooms import sql
from rooms.minutes import minutes_parts
from rooms.models import Meeting, Participant
from rooms.roles import Actor
from rooms.snapshot import Encoded, SnapshotPart, encoded_head

from .enums import IdeaState
from .models import Idea, Theme
from .payloads import idea_payload, meeting_payload, theme_payload


def _facilitator_board(meeting: Meeting, actor: Actor) -> dict[str, Any]:
    """The board as facilitators see it: every idea but deleted and merged ones, the timeline."""
    ideas = (
        _with_details(Idea.objects.filter(meeting=meeting))
        .exclude(state__in=[IdeaState.DELETED, IdeaState.MERGED])
        .order_by("created_at", "pk")
    )
    return {
        "meeting": meeting_payload(meeting),
        "ideas": [_idea_row(idea).payload for idea in ideas],
        "themes": [theme_payload(t) for t in Theme.objects.filter(meeting=meeting)],
        **debrief_snapshot(meeting, actor),
    }


def _public_board(meeting: Meeting) -> dict[str, Any]:
    """What every participant of the room sees of the board, read at the room version."""
    ideas = Idea.objects.none()
    if meeting.ideas_public:
        ideas = _with_details(Idea.objects.filter(meeting=meeting, state=IdeaState.VISIBLE))
    return {
        "meeting": meeting_payload(meeting),
        # Encoded once per room version here, not once per phone in each phone's snapshot.
        "ideas": [_idea_row(idea, encoded=True) for idea in ideas.order_by("created_at", "pk")],
        "themes": [theme_payload(t) for t in Theme.objects.filter(meeting=meeting)],
        "groups": _groups(meeting),
    }


def _personal_board(meeting: Meeting, actor: Actor, public: dict[str, Any]) -> dict[str, Any]:
    """A phone's board: the public ideas with its own (pending, hidden…) ones, what it supports."""
    pid = actor.participant_id
    rows = public["ideas"]
    hidden_states = [IdeaState.DELETED, IdeaState.MERGED]
    if meeting.ideas_public:
        hidden_states.append(IdeaState.VISIBLE)  # the visible ones are in the public part
    # Every phone connecting reads these two: in plain statements (issue 14), and the details of
    # its own ideas only when it has some (a phone joining has none).
    own_ids = [
        idea_id
        for (idea_id,) in sql.rows(
            "SELECT id FROM deliberation_idea WHERE meeting_id = %s AND author_id = %s"  # noqa: S608
            f" AND state NOT IN ({sql.marks(len(hidden_states))})",
            [meeting.pk, pid, *hidden_states],
        )
    ]
    if own_ids:
        own = _with_details(Idea.objects.filter(pk__in=own_ids))
        rows = sorted([*rows, *(_idea_row(idea) for idea in own)], key=lambda row: row.order)
    # A support given to an idea later merged into another counts for the merged idea.
    supported = {
        merged_into or idea_id
        for idea_id, merged_into in sql.rows(
            "SELECT s.idea_id, i.merged_into_id FROM deliberation_support s"
            " INNER JOIN deliberation_idea i ON i.id = s.idea_id"
            " WHERE s.participant_id = %s AND i.meeting_id = %s",
            [pid, meeting.pk],
        )
    }
    return {**public, "ideas": [_phone_idea(row, pid, supported) for row in rows]}


def _phone_idea(row: IdeaRow, pid: int | None, supported: set[int]) -> dict[str, Any]:
    """An idea as a phone sees it: the payload, whether it is its own, whether it supports it."""
    mine, liked = row.author_id == pid, row.payload["id"] in supported
    if row.plain is not None and not mine and not liked:
        return row.plain  # most ideas for most phones: one object for every phone
    if not row.head:
        return {**row.payload, "mine": mine, "supported": liked}
    return _phone_item(row.payload, row.head, mine, liked)


def _phone_item(payload: dict[str, Any], head: str, mine: bool, liked: bool) -> Encoded:
    """A public idea with a phone's two flags, its text made from the payload's (`head`)."""
    flags = f',"mine":{"true" if mine else "false"},"supported":{"true" if liked else "false"}}}'
    return Encoded({**payload, "mine": mine, "supported": liked}, head + flags)


def _projected_board(meeting: Meeting, public: dict[str, Any]) -> dict[str, Any]:
    """The projected screen's board: the public view, its ideas as payloads."""
    return {**public, "ideas": [row.payload for row in public["ideas"]]}


BOARD_PART = SnapshotPart(
    "board", _facilitator_board, _public_board, _personal_board, _projected_board
)


def ideas_for_vote(meeting: Meeting, ids: Collection[int]) -> dict[int, str]:
    """The visible ideas of `meeting` among `ids`, with their label (title, else text): what a
    vote may offer as options (registered with rooms/sources.py in deliberation/apps.py)."""
    rows = Idea.objects.filter(meeting=meeting, pk__in=ids, state=IdeaState.VISIBLE)
    return {pk: title or text for pk, title, text in rows.values_list("pk", "title", "text")}


def _with_details(ideas: Any) -> Any:
    return ideas.select_related("author", "from_group").prefetch_related(
        Prefetch("merged_ideas", queryset=Idea.objects.select_related("author").order_by("pk"))
    )


class IdeaRow(NamedTuple):
    """An idea of the board as the snapshot readers share it."""

    order: tuple[Any, int]  # (created at, id): the board's order
    author_id: int | None
    payload: dict[str, Any]
    head: str = ""  # the payload's JSON text without its closing brace (ideas of the public view)
    # The idea as a phone sees it that neither wrote nor supports it (ideas of the public view),
    # shared by the snapshots of every such phone: never changed once made.
    plain: Encoded | None = None


def _idea_row(idea: Idea, encoded: bool = False) -> IdeaRow:
    """The row of an idea read with `_with_details` (`encoded`: with its JSON text)."""
    payload = dict(idea_payload(idea, merged=list(idea.merged_ideas.all())))
    order = (idea.created_at, idea.pk)
    if not encoded:
        return IdeaRow(order, idea.author_id, payload)
    head = encoded_head(payload)
    plain = _phone_item(payload, head, mine=False, liked=False)
    return IdeaRow(order, idea.author_id, payload, head, plain)


# --- Debrief, timeline, groups, minutes (issue 6) ----------------------------------------------


def _groups(meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {"id": g.pk, "title": g.title, "color": g.group_color, "code": g.join_code}
        for g in Meeting.objects.filter(parent=meeting).order_by("pk")
    ]


def debrief_snapshot(meeting: Meeting, actor: Actor) -> dict[str, Any]:
    """The snapshot's extra keys: the timeline (facilitators only) and the breakout groups."""
    from .payloads import timeline_mark_payload

    extra: dict[str, Any] = {"groups": _groups(meeting)}
    if actor.facilitator:
        extra["timeline"] = [timeline_mark_payload(m) for m in meeting.timeline.all()]
    return extra


def _person_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def _local_start(meeting: Meeting) -> datetime | None:
    """The timeline's zero in the meeting's local time: its event's time zone when it belongs to
    a session, the server's TIME_ZONE otherwise (None before the meeting started)."""
    if meeting.started_at is None:
        return None
    zone = timezone.get_default_timezone()
    if meeting.session is not None:
        with suppress(ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo(meeting.session.event.timezone)
    return timezone.localtime(meeting.started_at, zone)


def minutes_source(meeting_id: int) -> dict[str, Any]:
    """Everything the minutes are compiled from, as plain data (deliberation/minutes.py).

    Only what the public saw goes in: visible ideas, closed or published votes. Participant names
    appear only for those who agreed (`Participant.listed`).
    """
    from django.db.models import Count

    from .enums import TimelineKind

    meeting = (
        Meeting.objects.select_related("owner", "session__venue", "session__event", "parent")
        .prefetch_related("facilitators")
        .get(pk=meeting_id)
    )
    people = [meeting.owner, *[u for u in meeting.facilitators.all() if u.pk != meeting.owner_id]]
    participants = Participant.objects.filter(meeting=meeting)
    listed = list(
        participants.filter(listed=True)
        .exclude(display_name="")
        .values_list("display_name", flat=True)
    )
    visible = (
        Idea.objects.filter(meeting=meeting, state=IdeaState.VISIBLE)
        .select_related("author", "from_group")
        .order_by("-support_count", "created_at", "pk")
    )
    ideas = [
        {
            "id": i.pk,
            "title": i.title,
            "text": i.text,
            "supports": i.support_count,
            "theme": i.theme_id,
            "kind": i.kind,
            "answered": i.answered,
            "pinned": i.pinned,
            "paper": i.on_behalf,
            "author": i.author.display_name if i.author and i.author.listed else "",
            "group": (
                {
                    "id": i.from_group_id,
                    "title": i.from_group.title,
                    "color": i.from_group.group_color,
                }
                if i.from_group_id
                else None
            ),
            "created": i.created_at.isoformat(),
        }
        for i in visible
    ]
    groups = []
    for child in Meeting.objects.filter(parent=meeting).annotate(n=Count("participants")):
        proposals = Idea.objects.filter(
            meeting=child, pinned=True, state=IdeaState.VISIBLE
        ).order_by("-support_count", "created_at", "pk")
        groups.append(
            {
                "id": child.pk,
                "title": child.title,
                "color": child.group_color,
                "participants": child.n,
                "facilitators": [_person_name(u) for u in child.facilitators.all()]
                or [_person_name(child.owner)],
                "proposals": [
                    {"title": p.title, "text": p.text, "supports": p.support_count}
                    for p in proposals
                ],
            }
        )
    session = meeting.session
    when = session.starts_at if session else (meeting.started_at or meeting.created_at)
    started = _local_start(meeting)
    place = meeting.place or (session.venue.name if session and session.venue else "")
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "description": meeting.description,
            "date": when.isoformat(),
            "place": place,
            "summary": meeting.minutes_summary,
            "code": meeting.join_code,
            "group_of": meeting.parent.title if meeting.parent else "",
            "started_at": started.isoformat() if started else "",
        },
        "facilitators": [_person_name(u) for u in people],
        "attendance": {
            "participants": participants.count(),
            "contributors": participants.filter(ideas__isnull=False).distinct().count(),
            "listed": sorted(listed, key=str.casefold),
        },
        "timeline": [
            {
                "offset": m.offset_seconds,
                "at": (started + timedelta(seconds=m.offset_seconds)).isoformat()
                if started
                else "",
                "kind": m.kind,
                "kind_label": str(TimelineKind(m.kind).label),
                "label": m.label,
                "speaker": m.speaker,
            }
            for m in meeting.timeline.all()
        ],
        "themes": [
            {"id": t.pk, "name": t.name, "color": t.color}
            for t in Theme.objects.filter(meeting=meeting)
        ],
        "ideas": ideas,
        "groups": groups,
        **minutes_parts(meeting.pk),  # sections other apps add (voting: "votes")
        "questionnaires": [
            questionnaire_results(q) for q in meeting.questionnaires.all().order_by("pk")
        ],
    }


def questionnaire_results(questionnaire: Any) -> dict[str, Any]:
    """Aggregates of one questionnaire: per scale question the count, mean and distribution;
    per free-text question the answers (in the order they came)."""
    answers = list(questionnaire.responses.order_by("pk").values_list("answers", flat=True))
    questions = []
    for q in questionnaire.questions:
        values = [a[q["key"]] for a in answers if q["key"] in a]
        if q["type"] == "scale":
            numbers = [v for v in values if isinstance(v, int)]
            questions.append(
                {
                    **q,
                    "count": len(numbers),
                    "mean": round(sum(numbers) / len(numbers), 2) if numbers else None,
                    "distribution": {str(n): numbers.count(n) for n in range(1, 6)},
                }
            )
        else:
            texts = [str(v) for v in values]
            questions.append({**q, "count": len(texts), "texts": texts})
    return {
        "id": questionnaire.pk,
        "title": questionnaire.title,
        "responses": len(answers),
        "questions": questions,
    }


def questionnaires_compare(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict]:
    """Two editions side by side: scale questions matched by their label (same wording)."""

    def means(results: list[dict[str, Any]]) -> dict[str, tuple[float | None, int]]:
        table: dict[str, tuple[float | None, int]] = {}
        for result in results:
            for q in result["questions"]:
                if q["type"] == "scale":
                    table[q["label"]] = (q["mean"], q["count"])
        return table

    left, right = means(a), means(b)
    labels = list(dict.fromkeys([*left, *right]))
    return [
        {
            "label": label,
            "a": left.get(label, (None, 0))[0],
            "a_count": left.get(label, (None, 0))[1],
            "b": right.get(label, (None, 0))[0],
            "b_count": right.get(label, (None, 0))[1],
        }
        for label in labels
    ]


def event_report_source(event: Any) -> dict[str, Any]:
    """An event's report: each session with its meetings' attendance and debrief, the event's
    questionnaires, and where sessions came from (SessionOrigin)."""
    from django.db.models import Count

    from .enums import DEBRIEF_KINDS
    from .models import Questionnaire, SessionOrigin

    sessions = []
    origins = {
        o.session_id: o
        for o in SessionOrigin.objects.filter(session__event=event).select_related(
            "meeting", "idea", "theme"
        )
    }
    for session in event.sessions.select_related("venue").order_by("starts_at", "pk"):
        meetings = []
        for m in Meeting.objects.filter(session=session).annotate(n=Count("participants")):
            debrief = {
                kind: list(
                    Idea.objects.filter(meeting=m, kind=kind, state=IdeaState.VISIBLE)
                    .order_by("-support_count", "pk")
                    .values("text", "support_count")
                )
                for kind in DEBRIEF_KINDS
            }
            meetings.append(
                {
                    "id": m.pk,
                    "title": m.title,
                    "participants": m.n,
                    "ideas": Idea.objects.filter(
                        meeting=m, state=IdeaState.VISIBLE, kind="idea"
                    ).count(),
                    "debrief": debrief,
                    **minutes_parts(m.pk),
                    "questionnaires": [questionnaire_results(q) for q in m.questionnaires.all()],
                }
            )
        origin = origins.get(session.pk)
        sessions.append(
            {
                "id": session.pk,
                "title": session.title,
                "starts_at": session.starts_at.isoformat(),
                "venue": session.venue.name if session.venue else "",
                "cancelled": session.cancelled,
                "origin": (
                    {
                        "meeting": origin.meeting.title,
                        "idea": origin.idea.text if origin.idea else "",
                        "theme": origin.theme.name if origin.theme else "",
                    }
                    if origin
                    else None
                ),
                "meetings": meetings,
            }
        )
    return {
        "event": {
            "id": event.pk,
            "title": event.title,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            "description": event.description,
        },
        "sessions": sessions,
        "questionnaires": [
            questionnaire_results(q) for q in Questionnaire.objects.filter(event=event)
        ],
    }


def authored_idea_events(meeting: Meeting, participant_ids: list[int]) -> list[Any]:
    """The ideas that show these participants' names (their own, and the ideas theirs were merged
    into), as events carrying every audience's view again (rooms.services.people_changed)."""
    from .services._common import idea_event

    ideas = (
        Idea.objects.filter(meeting=meeting)
        .filter(Q(author_id__in=participant_ids) | Q(merged_ideas__author_id__in=participant_ids))
        .exclude(state__in=[IdeaState.DELETED, IdeaState.MERGED])
        .distinct()
        .order_by("pk")
    )
    return [idea_event(idea, meeting) for idea in _with_details(ideas)]
