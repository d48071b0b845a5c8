"""A phone at 320 px: the join notice, the minutes choice, "Mes données" and erasure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

CODE = "PARC23"
SMALL_PHONE = {
    "viewport": {"width": 320, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}


def test_phone_chooses_minutes_sees_and_erases_its_data(
    browser: Any, server_url: str, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(**SMALL_PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{server_url}/j/{CODE}")
    choice = page.get_by_label("Faire figurer mon nom au compte-rendu")
    expect(choice).not_to_be_checked()
    expect(page.locator(".privacy-notice")).to_contain_text("mois après la réunion")
    page.screenshot(path=str(artifacts / "privacy-join-320.png"), full_page=True)
    page.get_by_label(re.compile("prénom")).fill("Maëlle")
    choice.check()
    page.get_by_role("button", name="Rejoindre").click()
    page.wait_for_url(re.compile(rf"/m/{CODE}/$"))

    page.get_by_role("link", name="Mes données").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".my-data-list")).to_contain_text("Maëlle")
    expect(page.get_by_label("Faire figurer mon nom au compte-rendu")).to_be_checked()
    page.screenshot(path=str(artifacts / "privacy-my-data-320.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways at 320 px ({width} px)"

    page.get_by_label("Je confirme : effacer mes données").check()
    page.get_by_role("button", name="Effacer mes données").click()
    expect(page.get_by_role("status")).to_contain_text("Vos données sont effacées")
    expect(page.locator("body")).not_to_contain_text("Maëlle")
    assert errors == []
    context.close()
