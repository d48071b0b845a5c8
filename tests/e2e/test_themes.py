"""Themes live: the facilitator sorts ideas on the board (mouse and keyboard); phones follow."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .test_board_phone import FACILITATOR, Watch, open_phone

pytestmark = pytest.mark.e2e

# The demo meeting has five themes already; these two ideas are not sorted yet.
FESTIVAL = "Un festival de musique avec les associations du territoire"
CONCERT = "Un concert sous la halle le soir du 14 juillet"
THEME = "Culture et fête"


def lane(board: Any, name: str) -> Any:
    return board.locator("#theme-lanes .lane").filter(
        has=board.locator(".lane-name", has_text=re.compile(rf"^{re.escape(name)}$"))
    )


def lane_card(board: Any, text: str) -> Any:
    return board.locator("#theme-lanes .tcard").filter(has_text=text)


def drag_with_mouse(board: Any, source: Any, target: Any) -> None:
    """A real press-move-release, so the page sees pointerdown/pointermove/pointerup."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    end = target.bounding_box()
    assert start is not None
    assert end is not None
    board.mouse.move(start["x"] + start["width"] / 2, start["y"] + 20)
    board.mouse.down()
    board.mouse.move(start["x"] + start["width"] / 2 + 30, start["y"] + 40, steps=4)
    board.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    board.mouse.up()


def test_facilitator_sorts_ideas_into_themes_live(
    browser: Any, server_url: str, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    watch = Watch()
    board_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    board = watch.attach(board_context.new_page())
    board.goto(f"{server_url}/connexion/?next=/reunions/1/tableau/")
    board.get_by_label("Nom d’utilisateur").fill(FACILITATOR[0])
    board.get_by_label("Mot de passe").fill(FACILITATOR[1])
    board.get_by_role("button", name="Se connecter").click()
    board.wait_for_url(re.compile(r"/reunions/1/tableau/$"))
    expect(board.locator("#conn")).to_have_attribute("data-status", "open")

    # A known starting point: ideas shown at once, then the clustering phase.
    board.get_by_role("button", name="Modération", exact=True).click()
    for switch in ("#opt-premoderation", "#opt-hidden"):
        if board.locator(switch).is_checked():
            board.locator(switch).uncheck()
        expect(board.locator(switch)).not_to_be_checked()
    board.get_by_label("Phase", exact=True).select_option("cluster")
    board.get_by_role("button", name="Appliquer").click()
    expect(board.locator("#phase-label")).to_have_text("Regroupement")
    expect(board.locator("#theme-lanes")).to_be_visible()
    expect(board.locator("#board-cards")).to_be_hidden()
    expect(lane(board, "Idées non classées")).to_have_count(1)

    # The facilitator adds a built-in theme from the preset picker.
    board.get_by_role("button", name="Thèmes", exact=True).click()
    board.get_by_text("Choisir des thèmes prédéfinis").click()
    board.get_by_label(THEME).check()
    board.get_by_role("button", name="Ajouter les thèmes cochés").click()
    culture = lane(board, THEME)
    expect(culture).to_have_count(1)
    expect(culture.locator(".lane-count")).to_have_text("0 idée")
    key = culture.locator(".lane-key").inner_text()
    assert key.isdigit()
    expect(board.locator("#theme-list")).to_contain_text(THEME)
    board.get_by_role("button", name="Modération", exact=True).click()
    expect(board.locator("#mod-panel")).to_be_hidden()

    # A phone in the room: the demo's ideas are grouped; ours is still among "Autres idées".
    phone_context, phone = open_phone(browser, server_url, watch, "Nora")
    others = phone.locator(".idea-group").filter(
        has=phone.get_by_role("heading", name=re.compile(r"^Autres idées"))
    )
    expect(others.locator(".idea").filter(has_text=FESTIVAL)).to_have_count(1)

    # Mouse: drag the festival idea from "non classées" into the new theme.
    festival = lane_card(board, FESTIVAL)
    unsorted = lane(board, "Idées non classées")
    expect(unsorted.locator(".tcard").filter(has_text=FESTIVAL)).to_have_count(1)
    drag_with_mouse(board, festival.locator(".tcard-main"), culture)
    expect(culture.locator(".tcard").filter(has_text=FESTIVAL)).to_have_count(1)
    expect(culture.locator(".lane-count")).to_have_text("1 idée")
    expect(board.locator("#themes-announce")).to_have_text(f"Idée déplacée vers {THEME}")

    # The phone regroups live, without a reload: the idea sits under its theme heading.
    group = phone.locator(".idea-group").filter(
        has=phone.get_by_role("heading", name=re.compile(rf"^{THEME}"))
    )
    expect(group).to_have_count(1)
    expect(group.locator(".idea").filter(has_text=FESTIVAL)).to_have_count(1)
    expect(others.locator(".idea").filter(has_text=FESTIVAL)).to_have_count(0)
    expect(phone.locator("#ideas")).to_be_hidden()

    # Keyboard: focus a card, select it with Enter, press the theme lane's number key.
    market = lane_card(board, CONCERT).locator(".tcard-main")
    market.focus()
    board.keyboard.press("Enter")
    expect(market).to_have_attribute("aria-pressed", "true")
    expect(board.locator("#theme-selbar")).to_be_visible()
    board.keyboard.press(key)
    expect(culture.locator(".tcard").filter(has_text=CONCERT)).to_have_count(1)
    expect(culture.locator(".lane-count")).to_have_text("2 idées")
    expect(board.locator("#themes-announce")).to_have_text(f"Idée déplacée vers {THEME}")
    # Focus follows the card into its new lane; the selection is done.
    focused = board.evaluate("document.activeElement.closest('.tcard')?.textContent ?? ''")
    assert CONCERT in focused
    expect(lane_card(board, CONCERT).locator(".tcard-main")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(board.locator("#theme-selbar")).to_be_hidden()
    expect(group.locator(".idea").filter(has_text=CONCERT)).to_have_count(1)

    board.screenshot(path=str(artifacts / "board-1920-themes.png"))
    phone.screenshot(path=str(artifacts / "phone-390-themes.png"), full_page=False)

    # Clean up for other tests: deleting the theme puts its ideas back, phones go flat again.
    board.get_by_role("button", name="Thèmes", exact=True).click()
    board.get_by_role("button", name=f"Supprimer : {THEME}").click()
    board.get_by_role("button", name="Oui, supprimer").click()
    expect(culture).to_have_count(0)
    expect(group).to_have_count(0)
    expect(others.locator(".idea").filter(has_text=CONCERT)).to_have_count(1)
    board.get_by_label("Phase", exact=True).select_option("collect")
    board.get_by_role("button", name="Appliquer").click()
    expect(board.locator("#phase-label")).to_have_text("Idées ouvertes")
    expect(board.locator("#theme-lanes")).to_be_hidden()
    # Out of the clustering phases, phones show the plain list again.
    expect(phone.locator("#idea-groups")).to_be_hidden()
    expect(phone.locator("#ideas > li").filter(has_text=CONCERT)).to_have_count(1)

    assert watch.dialogs == []
    assert watch.errors == []
    for context in (phone_context, board_context):
        context.close()
