"""Fixtures for the events tests: an organizer, their organization and a July festival."""

from __future__ import annotations

import pytest

from tests.factories_events import make_event, make_organization, make_user


@pytest.fixture
def organizer(db):
    return make_user("organisatrice")


@pytest.fixture
def organization(organizer):
    return make_organization(organizer)


@pytest.fixture
def event(organization):
    return make_event(organization, slug="festival-2027", title="Festival Bien Vivre")


@pytest.fixture
def stranger(db):
    return make_user("passant")
