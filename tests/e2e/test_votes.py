"""Votes live: the facilitator creates and opens a vote on the board, phones vote and revise, the
board follows the turnout and, after the close, shows the results (issue 4)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .test_board_phone import FACILITATOR, Watch, open_phone

pytestmark = pytest.mark.e2e


def login_board(browser: Any, base: str, watch: Watch) -> tuple[Any, Any]:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    board = watch.attach(context.new_page())
    board.goto(f"{base}/connexion/?next=/reunions/1/tableau/")
    board.get_by_label("Nom d’utilisateur").fill(FACILITATOR[0])
    board.get_by_label("Mot de passe").fill(FACILITATOR[1])
    board.get_by_role("button", name="Se connecter").click()
    board.wait_for_url(re.compile(r"/reunions/1/tableau/$"))
    expect(board.locator("#conn")).to_have_attribute("data-status", "open")
    # A known starting point: ideas shown at once (options come from visible ideas).
    board.get_by_role("button", name="Modération", exact=True).click()
    for switch in ("#opt-premoderation", "#opt-hidden"):
        if board.locator(switch).is_checked():
            board.locator(switch).uncheck()
        expect(board.locator(switch)).not_to_be_checked()
    # No vote left open by an earlier run.
    if board.locator("#vote-quick-close").count():
        board.locator("#vote-quick-close").click()
        expect(board.locator("#vote-quick-close")).to_have_count(0)
    return context, board


def create_vote(board: Any, method: str, title: str, ideas: int = 3) -> None:
    """Open the dialog, tick the first `ideas` ideas, create and open the vote at once."""
    from playwright.sync_api import expect

    board.get_by_role("button", name="Votes", exact=True).click()
    board.get_by_role("button", name="Nouveau vote…").click()
    dialog = board.locator("#vote-dialog")
    expect(dialog).to_be_visible()
    dialog.locator(f"input[name=vote-method][value={method}]").check()
    dialog.get_by_label("Titre du vote (facultatif)").fill(title)
    boxes = dialog.locator("#vote-ideas input[type=checkbox]")
    for i in range(ideas):
        boxes.nth(i).check()
    expect(dialog.locator("#vote-count")).to_have_text(f"{ideas} options choisies")
    expect(dialog.get_by_label("Ouvrir le vote tout de suite")).to_be_checked()
    dialog.get_by_role("button", name="Créer le vote").click()
    expect(dialog).to_be_hidden()
    expect(board.locator("#phase-label")).to_have_text("Vote")
    expect(board.locator("#vote-stage")).to_be_visible()
    expect(board.locator("#vote-stage-title")).to_have_text(title)


def option_labels(phone: Any, selector: str) -> list[str]:
    from playwright.sync_api import expect

    expect(phone.locator(selector).first).to_be_visible()
    return [text.strip() for text in phone.locator(selector).all_inner_texts()]


def dot_row(phone: Any, label: str) -> Any:
    return phone.locator("#vote-card .bd-row").filter(
        has=phone.locator(".bd-label", has_text=re.compile(rf"^{re.escape(label)}$"))
    )


def add_dots(phone: Any, label: str, n: int) -> None:
    for _ in range(abs(n)):
        dot_row(phone, label).locator(".bd-btn").nth(1 if n > 0 else 0).click()


def board_row(board: Any, label: str) -> Any:
    return board.locator("#vote-stage-results .vr-row").filter(
        has=board.locator(".vr-label", has_text=label)
    )


def grade(phone: Any, label: str, grade_label: str) -> None:
    group = phone.locator("#vote-card .ballot-group").filter(
        has=phone.locator("legend", has_text=re.compile(rf"^{re.escape(label)}$"))
    )
    group.locator("label.choice").filter(
        has_text=re.compile(rf"^{re.escape(grade_label)}$")
    ).click()


def test_dot_vote_and_majority_judgment_live(
    browser: Any, server_url: str, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    watch = Watch()
    board_context, board = login_board(browser, server_url, watch)
    lea_context, lea = open_phone(browser, server_url, watch, "Léa")
    sam_context, sam = open_phone(browser, server_url, watch, "Sam")

    # --- Dot voting (gommettes): three ideas, 3 dots each. -----------------------------------
    create_vote(board, "dots", "Nos priorités")
    board.get_by_role("button", name="Modération", exact=True).click()  # project without the panel
    expect(board.locator("#vt-ballots")).to_have_text("0")
    a, b, c = option_labels(lea, "#vote-card .bd-label")
    expect(sam.locator("#vote-card .vote-how")).to_contain_text("3 gommettes")

    add_dots(lea, a, 2)
    add_dots(lea, b, 1)
    expect(lea.locator("#vote-card .bd-remaining")).to_contain_text("0 gommette restante sur 3")
    expect(dot_row(lea, c).locator(".bd-plus")).to_be_disabled()  # no dot left
    lea.get_by_role("button", name="Valider mon vote").click()
    expect(lea.locator("#ballot-status")).to_contain_text("Votre vote est compté")
    expect(lea.locator("#ballot-summary")).to_contain_text(f"{a} : 2")
    expect(board.locator("#vt-ballots")).to_have_text("1")

    add_dots(sam, b, 3)
    sam.get_by_role("button", name="Valider mon vote").click()
    expect(sam.locator("#ballot-status")).to_contain_text("compté")
    expect(board.locator("#vt-ballots")).to_have_text("2")  # turnout, live
    expect(board.locator("#vote-turnout")).to_contain_text("bulletins")
    # Results are live (the default): b leads before Sam changes his mind.
    expect(board_row(board, b).locator(".vr-value strong")).to_have_text("4 gommettes")

    # Sam revises until the close: the turnout stays at 2.
    add_dots(sam, b, -3)
    add_dots(sam, a, 1)
    add_dots(sam, c, 2)
    expect(sam.locator("#ballot-status")).to_contain_text("pas encore envoyées")
    sam.get_by_role("button", name="Mettre à jour mon vote").click()
    expect(sam.locator("#ballot-status")).to_contain_text("Votre vote est compté")
    expect(sam.locator("#ballot-summary")).to_contain_text(f"{c} : 2")
    expect(board_row(board, a).locator(".vr-value strong")).to_have_text("3 gommettes")
    expect(board.locator("#vt-ballots")).to_have_text("2")

    # A reloaded phone finds its counted ballot again (my_ballot).
    lea.reload()
    expect(dot_row(lea, a).locator(".bd-count [aria-hidden=true]")).to_have_text("2")
    expect(lea.locator("#ballot-status")).to_contain_text("compté")
    lea.screenshot(path=str(artifacts / "votes-phone-dots-390.png"))

    board.get_by_role("button", name="Clore le vote").click()
    expect(board.locator("#vote-stage-kicker")).to_contain_text("Publié")
    rows = board.locator("#vote-stage-results .vr-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator(".vr-label")).to_contain_text(a)
    expect(board_row(board, a).locator(".vr-value strong")).to_have_text("3 gommettes")
    expect(board_row(board, c).locator(".vr-value strong")).to_have_text("2 gommettes")
    expect(board_row(board, b).locator(".vr-value strong")).to_have_text("1 gommette")
    reason = board.locator("#vote-stage-results .vr-reason")
    expect(reason).to_contain_text("l'emporte avec 3 gommettes")
    expect(board.locator("#vote-stage-results svg.vr-bar")).to_have_count(3)
    expect(board.locator("#vote-stage [style]")).to_have_count(0)  # strict CSP: no style attributes
    board.screenshot(path=str(artifacts / "votes-board-dots-1920.png"))
    expect(lea.locator("#vote-notice")).to_contain_text("Vote clos")
    expect(lea.locator("#vote-results .vr-row")).to_have_count(3)
    expect(lea.locator("#ballot-form")).to_be_hidden()

    # --- Majority judgment: the board explains why the winner wins. --------------------------
    create_vote(board, "majority_judgment", "Jugement des pistes")
    board.get_by_role("button", name="Modération", exact=True).click()
    a, b, c = option_labels(sam, "#vote-card .ballot-group legend")
    ballots = (
        (lea, ("Excellent", "Bien", "À rejeter")),
        (sam, ("Très bien", "Passable", "À rejeter")),
    )
    for phone, grades in ballots:
        for label, grade_label in zip((a, b, c), grades, strict=True):
            grade(phone, label, grade_label)
        phone.get_by_role("button", name="Valider mon vote").click()
        expect(phone.locator("#ballot-status")).to_contain_text("compté")
    expect(board.locator("#vt-ballots")).to_have_text("2")
    sam.screenshot(path=str(artifacts / "votes-phone-mj-390.png"))

    board.get_by_role("button", name="Clore le vote").click()
    reason = board.locator("#vote-stage-results .vr-reason")
    expect(reason).to_have_text(
        f"« {a} » a la mention majoritaire « Très bien », « {b} » « Passable »."
    )
    how = board.locator("#vote-stage-results details.vr-how")
    expect(how.locator("summary")).to_have_text("Comment est-ce compté ?")
    expect(how).to_contain_text("Balinski et Rida Laraki")
    expect(board.locator("#vote-stage-results .vr")).not_to_contain_text("Départage par")
    expect(board.locator("#vote-stage-results .vr-legend li")).to_have_count(6)
    expect(board_row(board, a).locator(".vr-value strong")).to_have_text("Très bien")
    board.screenshot(path=str(artifacts / "votes-board-mj-1920.png"))
    expect(sam.locator("#vote-results .vr-reason")).to_contain_text(f"« {a} » a la mention")
    expect(sam.locator("#vote-results details.vr-how summary")).to_have_text(
        "Comment est-ce compté ?"
    )

    # Leave the demo meeting as the other tests expect it: collecting ideas, no vote open.
    board.get_by_label("Phase", exact=True).select_option("collect")
    board.get_by_role("button", name="Appliquer").click()
    expect(board.locator("#phase-label")).to_have_text("Idées ouvertes")
    expect(board.locator("#vote-stage")).to_be_hidden()
    expect(board.locator("#vote-quick-close")).to_have_count(0)

    assert watch.dialogs == []
    assert watch.errors == []
    for context in (board_context, lea_context, sam_context):
        context.close()
