"""The home page leads a visitor to the programmes and a facilitator to the organizer area."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.factories_events import make_event

pytestmark = pytest.mark.django_db


def test_home_links_to_the_published_programmes(client):
    festival = make_event(title="Festival Bien vivre", published=True)
    older = make_event(title="Fête de l'an dernier", starts_on=date(2025, 7, 1), published=True)
    draft = make_event(title="Brouillon secret", published=False)

    html = client.get("/").content.decode()

    assert f'href="{reverse("events:programme", args=[festival.slug])}"' in html
    assert html.index("Festival Bien vivre") < html.index("Fête de l&#x27;an dernier")
    assert reverse("events:programme", args=[older.slug]) in html
    assert "Brouillon secret" not in html
    assert reverse("events:programme", args=[draft.slug]) not in html
    assert f'href="{reverse("events:event-list")}"' in html


def test_home_without_a_published_programme_has_no_programme_section(client):
    make_event(title="Brouillon", published=False)

    html = client.get("/").content.decode()

    assert reverse("events:event-list") not in html


def test_facilitator_home_links_to_the_organizer_area(client):
    client.force_login(make_user())

    html = client.get("/").content.decode()

    assert f'href="{reverse("events:orga-home")}"' in html
    assert "Espace organisateur" in html


def test_visitor_home_has_no_organizer_link(client):
    html = client.get("/").content.decode()

    assert reverse("events:orga-home") not in html
