"""A debrief in real browsers: a phone posts a critique, the board shows it in its column."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_board_phone import FACILITATOR, XSS, Watch, open_phone

pytestmark = pytest.mark.e2e


def test_debrief_from_phone_to_board_columns(browser: Any, server_url: str, artifacts: Path):
    from playwright.sync_api import expect

    token = secrets.token_hex(3)
    watch = Watch()
    board_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    board = watch.attach(board_context.new_page())
    board.goto(f"{server_url}/connexion/?next=/reunions/1/tableau/")
    board.get_by_label("Nom d’utilisateur").fill(FACILITATOR[0])
    board.get_by_label("Mot de passe").fill(FACILITATOR[1])
    board.get_by_role("button", name="Se connecter").click()
    board.wait_for_url(re.compile(r"/reunions/1/tableau/$"))
    expect(board.locator("#conn")).to_have_attribute("data-status", "open")
    board.get_by_label("Phase", exact=True).select_option("debrief")
    board.get_by_role("button", name="Appliquer").click()
    expect(board.locator("#phase-label")).to_have_text("Débat-bilan")
    expect(board.locator("#debrief-columns")).to_be_visible()
    expect(board.locator("#board-cards")).to_be_hidden()

    phone_context, phone = open_phone(browser, server_url, watch, f"Inès {token}")
    try:
        expect(phone.locator("#debrief-compose")).to_be_visible()
        expect(phone.locator("#compose-fields")).to_be_hidden()
        critique = f"Trop de bruit {token} {XSS}"
        phone.get_by_label("Une critique").check()
        phone.get_by_label("Votre message").fill(critique)
        phone.get_by_role("button", name="Envoyer", exact=True).click()
        expect(phone.locator("#debrief-feedback")).to_have_text("Merci, c'est au tableau !")

        column = board.locator(".debrief-critique")
        expect(column.locator(".dcard-text").filter(has_text=token)).to_have_text(critique)
        expect(board.locator(".debrief-strength .dcard")).to_have_count(0)
        card = phone.locator("li.idea").filter(has_text=token)
        expect(card).to_have_attribute("data-kind-label", "Critique")
        board.screenshot(path=str(artifacts / "debrief-board.png"))
        assert watch.dialogs == []
        assert watch.errors == []
    finally:
        board.get_by_label("Phase", exact=True).select_option("collect")
        board.get_by_role("button", name="Appliquer").click()
        phone_context.close()
        board_context.close()
