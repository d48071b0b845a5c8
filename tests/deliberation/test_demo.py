"""The seeded demo: what `./dev.sh demo` shows a first-time visitor."""

import pytest
from django.core.management import call_command

from deliberation.demo import DEMO_CODE, seed_demo
from deliberation.models import Idea, Theme
from rooms.models import Meeting

pytestmark = pytest.mark.django_db


def test_seed_demo_is_a_meeting_of_thirty_ideas_in_five_themes_and_is_idempotent(capsys):
    seed_demo()
    call_command("seed_demo")

    meeting = Meeting.objects.get(join_code=DEMO_CODE)
    assert Meeting.objects.count() == 1
    assert Idea.objects.filter(meeting=meeting).count() == 30
    assert list(Theme.objects.filter(meeting=meeting).values_list("name", flat=True)) == [
        "Mobilité",
        "Espace public et sécurité",
        "Alimentation",
        "Santé",
        "Lien social",
    ]
    assert Idea.objects.filter(meeting=meeting, theme=None).count() == 8
    printed = capsys.readouterr().out
    assert "/j/PARC23" in printed
    assert "animatrice" in printed
