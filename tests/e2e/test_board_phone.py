"""The live loop in real browsers: phones post and support ideas; the board follows, no reload."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

FACILITATOR = ("animatrice", "bien-vivre-2026")
CODE = "PARC23"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
# Keeps a handle on every socket the page opens, so a test can drop them like a bad network.
TRACK_SOCKETS = """
window.__sockets = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
"""
XSS = "<script>alert(1)</script><b>gras</b>"


class Watch:
    """Collects what must never happen on a page: dialogs and uncaught script errors."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def attach(self, page: Any) -> Any:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page


def open_phone(browser: Any, base: str, watch: Watch, name: str) -> tuple[Any, Any]:
    from playwright.sync_api import expect

    context = browser.new_context(**PHONE)
    page = watch.attach(context.new_page())
    page.add_init_script(TRACK_SOCKETS)
    page.goto(f"{base}/j/{CODE}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("bien vivre")
    if name:
        page.get_by_label(re.compile("prénom")).fill(name)
    page.get_by_role("button", name="Rejoindre").click()
    page.wait_for_url(re.compile(rf"/m/{CODE}/$"))
    expect(page.locator("#conn")).to_have_attribute("data-status", "open")
    return context, page


def post_idea(page: Any, text: str) -> None:
    page.get_by_label("Votre idée", exact=True).fill(text)
    page.get_by_role("button", name="Envoyer mon idée").click()


def phone_card(page: Any, text: str) -> Any:
    return page.locator("#ideas > li").filter(has_text=text)


def board_card(board: Any, text: str) -> Any:
    return board.locator("#board-cards > li").filter(has_text=text)


def test_phones_post_and_support_ideas_live_on_the_board(
    browser: Any, server_url: str, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    token = secrets.token_hex(3)
    watch = Watch()

    # The facilitator logs in and opens the board.
    board_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    board = watch.attach(board_context.new_page())
    board.goto(f"{server_url}/connexion/?next=/reunions/1/tableau/")
    board.get_by_label("Nom d’utilisateur").fill(FACILITATOR[0])
    board.get_by_label("Mot de passe").fill(FACILITATOR[1])
    board.get_by_role("button", name="Se connecter").click()
    board.wait_for_url(re.compile(r"/reunions/1/tableau/$"))
    expect(board.locator("#conn")).to_have_attribute("data-status", "open")
    expect(board.locator(".board-qr svg")).to_be_visible()
    expect(board.locator(".board-join-code")).to_have_text(CODE)

    # A known starting point, even on a database an earlier run left behind.
    board.get_by_role("button", name="Modération").click()
    for switch in ("#opt-premoderation", "#opt-hidden"):
        if board.locator(switch).is_checked():
            board.locator(switch).uncheck()
        expect(board.locator(switch)).not_to_be_checked()
    board.get_by_label("Phase", exact=True).select_option("collect")
    board.get_by_role("button", name="Appliquer").click()
    expect(board.locator("#phase-label")).to_have_text("Idées ouvertes")
    board.get_by_role("button", name="Modération").click()
    expect(board.locator("#mod-panel")).to_be_hidden()

    # Two phones join: one with a name, one anonymous.
    lea_context, lea = open_phone(browser, server_url, watch, "Léa")
    anon_context, anon = open_phone(browser, server_url, watch, "")
    expect(board.locator("#online-text")).to_have_text(re.compile(r"^2\s"))

    # Léa posts an idea full of markup: it is shown as literal text, nothing runs.
    lea_text = f"Un composteur {token} {XSS}"
    post_idea(lea, lea_text)
    expect(lea.locator("#compose-feedback")).to_contain_text("affichée au tableau")
    mine = phone_card(lea, lea_text)
    expect(mine).to_have_count(1)
    expect(mine.locator(".idea-text")).to_have_text(lea_text)
    expect(mine.locator(".badge-mine")).to_have_text("Votre idée")
    expect(mine.locator(".idea-text b, .idea-text script")).to_have_count(0)
    expect(mine.get_by_role("button", name=re.compile("Je soutiens"))).to_be_disabled()
    on_board = board_card(board, lea_text)
    expect(on_board).to_have_count(1)
    expect(on_board.locator(".bcard-text")).to_have_text(lea_text)
    expect(on_board.locator(".bcard-author")).to_have_text("Léa")
    expect(board.locator("#board-cards b, #board-cards script")).to_have_count(0)

    # The anonymous phone posts too, and both support each other's idea.
    anon_text = f"Un abri vélo couvert devant la mairie {token}"
    post_idea(anon, anon_text)
    expect(anon.locator("#compose-feedback")).to_contain_text("affichée au tableau")
    expect(board_card(board, anon_text)).to_have_count(1)

    expect(phone_card(anon, lea_text)).to_have_count(1)
    support = phone_card(anon, lea_text).get_by_role("button", name=re.compile("Je soutiens"))
    expect(support).to_have_attribute("aria-pressed", "false")
    support.click()
    expect(support).to_have_attribute("aria-pressed", "true")
    expect(support.locator(".support-count")).to_have_text("1")
    expect(on_board.locator(".bcard-supports-num")).to_have_text("1")

    expect(phone_card(lea, anon_text)).to_have_count(1)
    back = phone_card(lea, anon_text).get_by_role("button", name=re.compile("Je soutiens"))
    back.click()
    expect(back).to_have_attribute("aria-pressed", "true")
    expect(board_card(board, anon_text).locator(".bcard-supports-num")).to_have_text("1")
    # Léa's own phone learns of the support she received, live.
    expect(mine.locator(".support-count")).to_have_text("1")

    lea.screenshot(path=str(artifacts / "phone-390.png"), full_page=False)
    board.screenshot(path=str(artifacts / "board-1920.png"))

    # Offline: the idea waits in the outbox and is delivered once the network is back.
    offline_text = f"Idée écrite dans le tunnel {token}"
    anon_context.set_offline(True)
    expect(anon.locator("#conn")).to_have_attribute("data-status", "offline")
    post_idea(anon, offline_text)
    expect(anon.locator("#compose-feedback")).to_contain_text("Hors ligne")
    expect(board_card(board, offline_text)).to_have_count(0)
    anon_context.set_offline(False)
    expect(anon.locator("#conn")).to_have_attribute("data-status", "open")
    expect(anon.locator("#compose-feedback")).to_contain_text("affichée au tableau")
    expect(board_card(board, offline_text)).to_have_count(1)
    expect(phone_card(anon, offline_text)).to_have_count(1)

    # A dropped socket right after sending: the message is resent with its id, applied once.
    dropped_text = f"Idée envoyée pendant une coupure {token}"
    lea.get_by_label("Votre idée", exact=True).fill(dropped_text)
    lea.evaluate(
        """() => {
            document.getElementById("idea-submit").click();
            for (const ws of window.__sockets) ws.close();
        }"""
    )
    expect(lea.locator("#compose-feedback")).to_contain_text("affichée au tableau")
    expect(lea.locator("#conn")).to_have_attribute("data-status", "open")
    expect(board_card(board, dropped_text)).to_have_count(1)
    expect(phone_card(lea, dropped_text)).to_have_count(1)
    expect(phone_card(anon, dropped_text)).to_have_count(1)
    # Every idea of this run is on the board exactly once.
    expect(board_card(board, token)).to_have_count(4)
    expect(board.locator("#online-text")).to_have_text(re.compile(r"^2\s"))

    anon.screenshot(path=str(artifacts / "phone-390-after-reconnect.png"), full_page=False)
    board.screenshot(path=str(artifacts / "board-1920-final.png"))
    assert watch.dialogs == []
    assert watch.errors == []

    for context in (lea_context, anon_context, board_context):
        context.close()
