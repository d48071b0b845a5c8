"""After the meeting: the minutes summary and satisfaction questionnaires."""

from __future__ import annotations

import secrets
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text
from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.models import Meeting
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command

from ..models import Questionnaire, QuestionnaireResponse


def minutes_summary_update(
    *, meeting_id: int, actor: Actor, client_id: str | None, summary: Any, place: Any = None
) -> dict[str, Any]:
    """The organizer's editable summary (and the place, unless None) printed in the minutes.

    Emits "minutes.changed" to facilitators (phones never see the summary being written).
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        meeting.minutes_summary = clean_text(summary or "")[:20000]
        fields = ["minutes_summary"]
        if place is not None:
            meeting.place = clean_text(place)[:200]
            fields.append("place")
        meeting.save(update_fields=fields)
        data = {"summary": meeting.minutes_summary, "place": meeting.place}
        return data, RoomEvent("minutes.changed", mod=data)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="minutes.summary",
        client_id=client_id,
        change=change,
    )


QUESTION_MAX = 12


def normalised_questions(raw: Any) -> list[dict[str, str]]:
    """[{"label", "type": "scale"|"text"}] → the same with stable keys q1, q2…"""
    if not isinstance(raw, list) or not 1 <= len(raw) <= QUESTION_MAX:
        raise DomainError(
            "questionnaire.bad_questions",
            _("De 1 à %(max)s questions."),
            max=QUESTION_MAX,
        )
    questions = []
    for index, item in enumerate(raw, start=1):
        label = clean_text(str(item.get("label", ""))) if isinstance(item, dict) else ""
        kind = item.get("type") if isinstance(item, dict) else None
        if not label or len(label) > 200 or kind not in ("scale", "text"):
            raise DomainError("questionnaire.bad_questions", _("Question %(n)s invalide."), n=index)
        questions.append({"key": f"q{index}", "label": label, "type": kind})
    return questions


# Lazy labels: normalised_questions() translates them in the language active at creation time.
DEFAULT_QUESTIONS = [
    {"label": _("Dans l'ensemble, êtes-vous satisfait·e ?"), "type": "scale"},
    {"label": _("Avez-vous pu vous exprimer ?"), "type": "scale"},
    {
        "label": _("L'organisation (lieu, horaires, accueil) vous a-t-elle convenu ?"),
        "type": "scale",
    },
    {"label": _("Un mot pour la prochaine fois ?"), "type": "text"},
]


def questionnaire_create(
    *, meeting_id: int, actor: Actor, client_id: str | None, title: Any, questions: Any = None
) -> dict[str, Any]:
    """A questionnaire for the meeting, reachable by an opaque token (QR code); the default
    questions unless `questions` is given.

    Raises DomainError("questionnaire.title_empty") or ("questionnaire.bad_questions"). Emits
    "questionnaire.changed" to facilitators.
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        questionnaire = _questionnaire_new(title, questions, meeting=meeting)
        data = _questionnaire_payload(questionnaire)
        reply = {"questionnaire": questionnaire.pk, "path": data["path"]}
        return reply, RoomEvent("questionnaire.changed", mod=data)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="questionnaire.create",
        client_id=client_id,
        change=change,
    )


def event_questionnaire_create(*, event: Any, title: Any, questions: Any = None) -> Questionnaire:
    """A questionnaire for a whole event (no room: its pages are the organizers')."""
    return _questionnaire_new(title, questions, event=event)


def _questionnaire_payload(questionnaire: Questionnaire) -> dict[str, Any]:
    """What a facilitator's screen shows of a questionnaire: its title, state and link."""
    return {
        "id": questionnaire.pk,
        "title": questionnaire.title,
        "open": questionnaire.is_open,
        "path": reverse("questionnaire", kwargs={"token": questionnaire.token}),
    }


def _questionnaire_new(
    title: Any, questions: Any, *, meeting: Meeting | None = None, event: Any = None
) -> Questionnaire:
    title = clean_text(title or "")[:200]
    if not title:
        raise DomainError("questionnaire.title_empty", _("Donnez un titre au questionnaire."))
    return Questionnaire.objects.create(
        meeting=meeting,
        event=event,
        title=title,
        questions=normalised_questions(DEFAULT_QUESTIONS if questions is None else questions),
        token=secrets.token_urlsafe(12),
    )


def questionnaire_answer(*, questionnaire: Any, respondent: str, answers: Any) -> Any:
    """Store (or replace) a respondent's answers: scales are integers 1–5, texts ≤ 1000 chars;
    unanswered questions are left out."""
    if not questionnaire.is_open:
        raise DomainError("questionnaire.closed", _("Ce questionnaire est clos."))
    if not isinstance(answers, dict):
        raise DomainError("questionnaire.invalid", _("Réponses invalides."))
    clean: dict[str, Any] = {}
    for question in questionnaire.questions:
        value = answers.get(question["key"])
        if value in (None, ""):
            continue
        if question["type"] == "scale":
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= 5:
                raise DomainError("questionnaire.bad_scale", _("Une note va de 1 à 5."))
            clean[question["key"]] = number
        else:
            text = clean_text(str(value))
            if len(text) > 1000:
                raise DomainError("questionnaire.too_long", _("1000 caractères au plus."))
            if text:
                clean[question["key"]] = text
    response, _created = QuestionnaireResponse.objects.update_or_create(
        questionnaire=questionnaire, respondent=respondent[:64], defaults={"answers": clean}
    )
    return response
