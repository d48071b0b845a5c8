"""Every write to a meeting's board: rules, limits, the change and its events; a module per entity.

A room command runs through rooms.runner.run_command: one transaction that locks the meeting row,
checks the rules, applies the change, takes the room's next sequence number and stores the reply
under the client's message id (so a retried message is applied once). The events go to the room's
relays after commit. Callers use the package (`from deliberation import services`); the modules
are where each function lives.
"""

from informaction.text import clean_text

from .debrief import (
    DEFAULT_QUESTIONS,
    QUESTION_MAX,
    event_questionnaire_create,
    minutes_summary_update,
    normalised_questions,
    questionnaire_answer,
    questionnaire_create,
)
from .groups import (
    GROUP_PRESETS,
    MAX_GROUPS,
    group_for_newcomer,
    groups_bring_back,
    groups_create,
)
from .ideas import idea_delete, idea_edit, idea_submit, idea_support
from .meetings import meeting_configure, meeting_create, meeting_reveal, meeting_set_phase
from .moderation import (
    idea_add_paper,
    idea_answer,
    idea_moderate,
    idea_moderate_edit,
    idea_pin,
    ideas_approve,
)
from .projection import UNCHANGED, projection_set
from .sessions import SEED_MAX, ideas_seed_from_meeting, session_from_idea
from .themes import (
    THEME_COLORS,
    THEME_NAME_MAX_LENGTH,
    clustering_help,
    idea_move,
    idea_suggest_theme,
    ideas_assign,
    ideas_merge,
    ideas_unmerge,
    theme_create,
    theme_delete,
    theme_split,
    theme_update,
)
from .timeline import (
    TIMELINE_LABEL_MAX,
    TIMELINE_MAX_OFFSET,
    TIMELINE_SPEAKER_MAX,
    timeline_delete,
    timeline_edit,
    timeline_mark,
    timeline_start,
)

__all__ = [
    "DEFAULT_QUESTIONS",
    "GROUP_PRESETS",
    "MAX_GROUPS",
    "QUESTION_MAX",
    "SEED_MAX",
    "THEME_COLORS",
    "THEME_NAME_MAX_LENGTH",
    "TIMELINE_LABEL_MAX",
    "TIMELINE_MAX_OFFSET",
    "TIMELINE_SPEAKER_MAX",
    "UNCHANGED",
    "clean_text",  # the cleaning every text field gets (tests check it here)
    "clustering_help",
    "event_questionnaire_create",
    "group_for_newcomer",
    "groups_bring_back",
    "groups_create",
    "idea_add_paper",
    "idea_answer",
    "idea_delete",
    "idea_edit",
    "idea_moderate",
    "idea_moderate_edit",
    "idea_move",
    "idea_pin",
    "idea_submit",
    "idea_suggest_theme",
    "idea_support",
    "ideas_approve",
    "ideas_assign",
    "ideas_merge",
    "ideas_seed_from_meeting",
    "ideas_unmerge",
    "meeting_configure",
    "meeting_create",
    "meeting_reveal",
    "meeting_set_phase",
    "minutes_summary_update",
    "normalised_questions",
    "projection_set",
    "questionnaire_answer",
    "questionnaire_create",
    "session_from_idea",
    "theme_create",
    "theme_delete",
    "theme_split",
    "theme_update",
    "timeline_delete",
    "timeline_edit",
    "timeline_mark",
    "timeline_start",
]
