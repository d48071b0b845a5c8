"""The votes' section of the minutes: registered by the voting app with rooms.minutes."""

from __future__ import annotations

import pytest

from deliberation import minutes  # noqa: F401 - registers the meeting's own sections
from rooms.minutes import MinutesContext, minutes_parts, minutes_sections
from tests.factories import make_meeting
from voting.minutes import votes_section


def test_sections_run_in_order_with_votes_between_questions_and_debrief():
    keys = [s.key for s in minutes_sections()]

    assert keys == [
        "header",
        "summary",
        "participation",
        "timeline",
        "ideas",
        "groups",
        "questions",
        "votes",
        "debrief",
        "questionnaires",
    ]


@pytest.mark.django_db
def test_minutes_parts_gathers_the_votes_of_a_meeting_without_any():
    meeting = make_meeting()

    assert minutes_parts(meeting.pk) == {"votes": []}


def test_votes_section_is_empty_without_closed_votes():
    section = votes_section(MinutesContext({"votes": []}))

    assert (section.meta, section.blocks) == ([], [])
