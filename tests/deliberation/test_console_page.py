"""The facilitator's console page (issue 12): its parts and the projection's URLs."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def projection_urls(pk: int) -> tuple[str, str] | None:
    """The projection page and its pairing endpoint, once the projection branch is merged."""
    try:
        return (
            reverse("projection", kwargs={"pk": pk}),
            reverse("projection-pair-code", kwargs={"pk": pk}),
        )
    except NoReverseMatch:
        return None


def test_console_has_tabs_questions_and_plain_words(client):
    meeting = make_meeting()
    client.force_login(meeting.owner)

    html = client.get(reverse("board", kwargs={"pk": meeting.pk})).content.decode()

    tabs = re.findall(r'class="btn console-tab" type="button" data-tab="(\w+)"', html)
    assert tabs == ["stage", "panel", "projection"]
    assert 'id="questions-view"' in html
    assert 'id="debrief-alert"' in html
    assert "{n} personnes connectées" in html
    assert "connecté·e" not in html
    assert "manage.py" not in html


def test_console_points_at_the_projection_page_when_there_is_one(client):
    meeting = make_meeting()
    client.force_login(meeting.owner)

    html = client.get(reverse("board", kwargs={"pk": meeting.pk})).content.decode()

    urls = projection_urls(meeting.pk)
    if urls is None:  # the projection branch is not merged: the console says so, no dead link
        assert 'id="proj-missing"' in html
        assert 'id="proj-frame"' not in html
        return
    page, pair_code = urls
    assert f'<iframe id="proj-frame" src="{page}"' in html
    assert f'id="proj-open" href="{page}"' in html
    assert f'action="{pair_code}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
