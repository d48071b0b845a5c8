"""The room commands of ideas, moderation, phases, themes, the timeline, breakout groups and
the minutes.

Rows of the command table (rooms/commands.py), registered when the app is ready. The reference
for clients is docs/protocol.md; a test checks that both say the same.
"""

from __future__ import annotations

from rooms.commands import (
    ASSIGNMENTS,
    IDS,
    INT_OR_CLEAR,
    INT_OR_NULL,
    Command,
    Role,
    opt,
    req,
)
from rooms.enums import RoomPhase

from . import services

IDEAS_OPEN = frozenset({RoomPhase.COLLECT, RoomPhase.DEBRIEF})
SUPPORTS_OPEN = frozenset(
    {RoomPhase.COLLECT, RoomPhase.REVIEW, RoomPhase.CLUSTER, RoomPhase.DEBRIEF}
)
FACILITATOR = Role.FACILITATOR
IDEA = req("idea", int, "idea_id")
TEXT_FIELDS = (req("text", str), opt("title", str, ""))


def _moderation(name: str) -> Command:
    return Command(name, services.idea_moderate, (IDEA,), FACILITATOR, fixed={"command": name})


def _support(name: str, *, on: bool) -> Command:
    return Command(
        name, services.idea_support, (IDEA,), phases=SUPPORTS_OPEN, batched=True, fixed={"on": on}
    )


def _clustering_help(name: str) -> Command:
    return Command(
        name, services.clustering_help, (), FACILITATOR, read=True, fixed={"command": name}
    )


COMMANDS = (
    # Phones
    Command(
        "idea.submit",
        services.idea_submit,
        (*TEXT_FIELDS, opt("kind", str)),
        phases=IDEAS_OPEN,
        batched=True,
    ),
    Command("idea.edit", services.idea_edit, (IDEA, *TEXT_FIELDS), phases=IDEAS_OPEN),
    Command("idea.delete", services.idea_delete, (IDEA,), phases=IDEAS_OPEN),
    _support("idea.support", on=True),
    _support("idea.unsupport", on=False),
    Command(
        "idea.suggest_theme",
        services.idea_suggest_theme,
        (IDEA, req("theme", int, "theme_id")),
        phases=frozenset({RoomPhase.CLUSTER}),
    ),
    # Moderation and the board
    Command(
        "idea.add_paper",
        services.idea_add_paper,
        (*TEXT_FIELDS, opt("kind", str)),
        FACILITATOR,
    ),
    _moderation("idea.hide"),
    _moderation("idea.restore"),
    _moderation("idea.approve"),
    Command("ideas.approve", services.ideas_approve, (req("ideas", IDS, "idea_ids"),), FACILITATOR),
    Command("idea.pin", services.idea_pin, (IDEA, opt("pinned", bool, True)), FACILITATOR),
    Command("idea.moderate_edit", services.idea_moderate_edit, (IDEA, *TEXT_FIELDS), FACILITATOR),
    Command("idea.answer", services.idea_answer, (IDEA, opt("answered", bool, True)), FACILITATOR),
    # Phases and settings
    Command("meeting.advance", services.meeting_set_phase, (), FACILITATOR, fixed={"phase": None}),
    Command(
        "meeting.set_phase",
        services.meeting_set_phase,
        (req("phase", str),),
        FACILITATOR,
        after_close=True,
    ),
    Command(
        "meeting.configure",
        services.meeting_configure,
        tuple(
            opt(key, bool)
            for key in (
                "premoderation",
                "hidden_until_reveal",
                "allow_theme_suggestions",
                "allow_questions",
            )
        ),
        FACILITATOR,
    ),
    Command("meeting.reveal", services.meeting_reveal, (), FACILITATOR),
    # What the projected screen shows (the console chooses; absent keys stay as they are)
    Command(
        "projection.set",
        services.projection_set,
        (
            opt("view", str),
            opt("sort", str),
            opt("contrast", str),
            opt("vote", INT_OR_CLEAR, services.UNCHANGED),
            opt("highlight", INT_OR_CLEAR, services.UNCHANGED),
        ),
        FACILITATOR,
    ),
    # Themes and sorting
    Command(
        "theme.create",
        services.theme_create,
        (opt("name", str, ""), opt("color", str), opt("keywords", str, ""), opt("preset", str, "")),
        FACILITATOR,
    ),
    Command(
        "theme.update",
        services.theme_update,
        (req("theme", int, "theme_id"), opt("name", str), opt("color", str), opt("keywords", str)),
        FACILITATOR,
    ),
    Command("theme.delete", services.theme_delete, (req("theme", int, "theme_id"),), FACILITATOR),
    Command(
        "theme.split",
        services.theme_split,
        (req("theme", int, "theme_id"), req("ideas", IDS, "idea_ids"), req("name", str)),
        FACILITATOR,
    ),
    Command(
        "idea.move",
        services.idea_move,
        (IDEA, opt("theme", INT_OR_NULL, None, "theme_id")),
        FACILITATOR,
    ),
    Command("ideas.assign", services.ideas_assign, (req("assignments", ASSIGNMENTS),), FACILITATOR),
    Command(
        "idea.merge",
        services.ideas_merge,
        (req("target", int, "target_id"), req("ideas", IDS, "idea_ids")),
        FACILITATOR,
    ),
    Command("idea.unmerge", services.ideas_unmerge, (IDEA,), FACILITATOR),
    _clustering_help("themes.suggest"),
    _clustering_help("ideas.find_duplicates"),
    _clustering_help("themes.discover"),
    # Timeline and breakout groups
    Command("timeline.start", services.timeline_start, (), FACILITATOR),
    Command(
        "timeline.mark",
        services.timeline_mark,
        (
            req("kind", str),
            opt("label", str, ""),
            opt("speaker", str, ""),
            opt("offset", INT_OR_NULL),
        ),
        FACILITATOR,
        after_close=True,
    ),
    Command(
        "timeline.edit",
        services.timeline_edit,
        (
            req("mark", int, "mark_id"),
            opt("kind", str),
            opt("label", str),
            opt("speaker", str),
            opt("offset", INT_OR_NULL),
        ),
        FACILITATOR,
        after_close=True,
    ),
    Command(
        "timeline.delete",
        services.timeline_delete,
        (req("mark", int, "mark_id"),),
        FACILITATOR,
        after_close=True,
    ),
    Command("groups.create", services.groups_create, (req("count", int),), FACILITATOR),
    Command("groups.bring_back", services.groups_bring_back, (), FACILITATOR),
    # After the meeting (also once it is closed): the minutes summary, questionnaires
    Command(
        "minutes.summary",
        services.minutes_summary_update,
        (req("summary", str), opt("place", str)),
        FACILITATOR,
        after_close=True,
    ),
    Command(
        "questionnaire.create",
        services.questionnaire_create,
        (req("title", str), opt("questions", list)),
        FACILITATOR,
        after_close=True,
    ),
)
