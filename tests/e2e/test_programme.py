"""The programme's filters apply on change, without the "Afficher" button, and keep the focus."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

FESTIVAL = "bien-vivre-saint-aubin-2027"


def test_filters_apply_on_change_and_focus_returns(browser: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server_url}/programme/{FESTIVAL}/?jour=2027-07-06")
    expect(page.get_by_role("button", name="Afficher")).to_be_hidden()

    page.get_by_label("Affichage").select_option("grille")
    page.wait_for_url(re.compile(r"vue=grille"))
    expect(
        page.get_by_role("heading", level=2, name=re.compile("mardi 6 juillet", re.I))
    ).to_be_visible()
    expect(page.locator(".ev-tt-place").first).to_be_visible()
    expect(page.get_by_label("Affichage")).to_be_focused()

    page.get_by_label("Parcours").select_option("sante")
    page.wait_for_url(re.compile(r"parcours=sante"))
    assert "jour=2027-07-06" in page.url
    expect(page.locator(".ev-tt-cell")).to_have_count(1)
    expect(page.get_by_label("Parcours")).to_be_focused()
    assert errors == []
    context.close()
