"""Votes on a server whose ballot events carry results for one ballot only
(VOTE_LIVE_RESULTS_MAX_BALLOTS = 1, tests/e2e/settings_live_limit.py): the board chart and the
phones' results stay live through `vote.results`; a vote for registered participants refuses a
phone that joined with the code and accepts one that opened its personal link (issue 4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import Seeded, serve, server_env
from .test_board_phone import PHONE, Watch, open_phone
from .test_votes import add_dots, board_row, create_vote, login_board, option_labels

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory, seeded: Seeded) -> Iterator[str]:
    """A second Daphne server, demo seeded, with VOTE_LIVE_RESULTS_MAX_BALLOTS = 1."""
    data_dir = tmp_path_factory.mktemp("e2e-live-limit")
    env = server_env(data_dir, "live_", settings="tests.e2e.settings_live_limit")
    with seeded.copy_for(env, "live_"):
        yield from serve(env, data_dir)


def phone_row(phone: Any, label: str) -> Any:
    return phone.locator("#vote-results .vr-row").filter(
        has=phone.locator(".vr-label", has_text=label)
    )


def test_live_results_above_the_event_limit_and_a_registered_only_vote(
    browser: Any, limited_server: str, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    base = limited_server
    watch = Watch()
    board_context, board = login_board(browser, base, watch)
    lea_context, lea = open_phone(browser, base, watch, "Léa")
    sam_context, sam = open_phone(browser, base, watch, "Sam")

    # --- Live results above the limit: the board asks with vote.results. ----------------------
    create_vote(board, "dots", "Au-delà de la limite")
    board.get_by_role("button", name="Modération", exact=True).click()
    a, b, c = option_labels(lea, "#vote-card .bd-label")
    add_dots(lea, a, 2)
    add_dots(lea, b, 1)
    lea.get_by_role("button", name="Valider mon vote").click()
    expect(lea.locator("#ballot-status")).to_contain_text("Votre vote est compté")
    # One ballot: the event itself carries the results.
    expect(board_row(board, a).locator(".vr-value strong")).to_have_text("2 gommettes")

    add_dots(sam, b, 3)
    sam.get_by_role("button", name="Valider mon vote").click()
    expect(sam.locator("#ballot-status")).to_contain_text("Votre vote est compté")
    expect(board.locator("#vt-ballots")).to_have_text("2")
    # Two ballots: the event carries the turnout only, the board's poll brings the chart.
    expect(board_row(board, b).locator(".vr-value strong")).to_have_text("4 gommettes")
    expect(board.locator("#vote-stage-status")).to_have_text("Résultats en direct")
    # Phones see the revealed results too (their poll is slower: 8 to 12 s).
    expect(phone_row(lea, b).locator(".vr-value strong")).to_have_text(
        "4 gommettes", timeout=25_000
    )

    # Sam changes his mind: the chart follows without a reload.
    add_dots(sam, b, -3)
    add_dots(sam, c, 2)
    sam.get_by_role("button", name="Mettre à jour mon vote").click()
    expect(sam.locator("#ballot-status")).to_contain_text("Votre vote est compté")
    expect(board_row(board, c).locator(".vr-value strong")).to_have_text("2 gommettes")
    expect(board_row(board, b).locator(".vr-value strong")).to_have_text("1 gommette")
    board.screenshot(path=str(artifacts / "votes-board-above-limit-1920.png"))

    board.get_by_role("button", name="Clore le vote").click()
    expect(board.locator("#vote-stage-kicker")).to_contain_text("Publié")
    expect(board_row(board, a).locator(".vr-value strong")).to_have_text("2 gommettes")

    # --- A vote for registered participants. --------------------------------------------------
    # The facilitator makes a personal link for Inès on the meeting page.
    admin = board_context.new_page()
    watch.attach(admin)
    admin.goto(f"{base}/reunions/1/")
    section = admin.locator("#voters")
    expect(section).to_contain_text("0 personnes inscrites pour voter")
    section.get_by_label("ou une liste de noms, un par ligne").fill("Inès Moreau")
    section.get_by_role("button", name="Créer les liens personnels").click()
    expect(admin.locator(".ev-messages")).to_contain_text("1 lien personnel créé.")
    link = admin.locator("tbody tr").filter(has_text="Inès Moreau").locator(".links-url")
    url = link.inner_text().strip()
    assert re.fullmatch(rf"{re.escape(base)}/j/PARC23/p/[\w-]{{24}}", url)
    admin.screenshot(path=str(artifacts / "votes-links-page-1280.png"), full_page=True)
    admin.get_by_role("link", name="Imprimer (codes QR)").click()
    expect(admin.locator(".link-card")).to_have_count(1)
    expect(admin.locator(".link-card-name")).to_have_text("Inès Moreau")
    expect(admin.locator(".link-card svg")).to_be_visible()
    admin.screenshot(path=str(artifacts / "votes-links-print.png"), full_page=True)

    board.get_by_role("button", name="Votes", exact=True).click()
    board.get_by_role("button", name="Nouveau vote…").click()
    dialog = board.locator("#vote-dialog")
    dialog.locator("input[name=vote-method][value=approval]").check()
    dialog.get_by_label("Titre du vote (facultatif)").fill("Réservé")
    for i in range(2):
        dialog.locator("#vote-ideas input[type=checkbox]").nth(i).check()
    dialog.get_by_label(re.compile("Réservé aux personnes inscrites")).check()
    dialog.get_by_role("button", name="Créer le vote").click()
    expect(dialog).to_be_hidden()
    board.get_by_role("button", name="Modération", exact=True).click()  # project without the panel
    expect(board.locator("#vote-stage-title")).to_have_text("Réservé")
    expect(board.locator("#vt-registered")).to_have_text(
        "Vote réservé aux personnes inscrites : 0 inscrite pour voter"
    )

    # Léa joined with the code: no ballot, a clear message instead.
    expect(lea.locator("#vote-notice")).to_contain_text(
        "Ce vote est réservé aux personnes inscrites"
    )
    expect(lea.locator("#vote-notice")).to_contain_text("demandez votre lien personnel")
    expect(lea.locator("#ballot-form")).to_be_hidden()

    # Inès opens her personal link on her phone, joins and votes.
    ines_context = browser.new_context(**PHONE)
    ines = watch.attach(ines_context.new_page())
    ines.goto(url)
    expect(ines.locator("#pass-notice")).to_contain_text("Lien personnel de Inès Moreau")
    ines.screenshot(path=str(artifacts / "votes-phone-personal-link-390.png"))
    ines.get_by_role("button", name="Rejoindre").click()
    ines.wait_for_url(re.compile(r"/m/PARC23/$"))
    expect(ines.locator("#room-registered")).to_have_text("Inscrit·e pour voter.")
    ines.locator("#vote-card .ballot-toggle").first.click()
    ines.get_by_role("button", name="Valider mon vote").click()
    expect(ines.locator("#ballot-status")).to_contain_text("Votre vote est compté")
    expect(board.locator("#vt-registered")).to_have_text(
        "Vote réservé aux personnes inscrites : 1 inscrite pour voter"
    )
    ines.screenshot(path=str(artifacts / "votes-phone-registered-390.png"))

    # The same link on another phone is refused, with a way to take part anyway.
    other_context = browser.new_context(**PHONE)
    other = watch.attach(other_context.new_page())
    other.goto(url)
    expect(other.get_by_role("heading", level=1)).to_have_text(
        "Lien déjà utilisé sur un autre téléphone"
    )
    expect(other.get_by_role("link", name="Participer sans inscription")).to_be_visible()
    other.screenshot(path=str(artifacts / "votes-phone-link-refused-390.png"))

    board.get_by_role("button", name="Clore le vote").click()
    expect(board.locator("#vote-stage-kicker")).to_contain_text("Publié")

    assert watch.dialogs == []
    assert watch.errors == []
    for context in (board_context, lea_context, sam_context, ines_context, other_context):
        context.close()
