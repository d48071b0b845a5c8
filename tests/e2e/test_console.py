"""The facilitator's console on a phone (issue 12): a whole meeting run from 390 × 844 px.

The facilitator walks the room: approves a held idea, moves the phases, answers a question, runs
a vote with its private preview, marks the timeline and approves a whole debrief column, all from
the console's tabs, with touch targets of 44 px at least and nothing wider than the screen. A
second facilitator's console (a laptop) follows. The projection page (branch `projection`) is
checked in the tests at the end, skipped while its URL does not exist.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from .test_board_phone import FACILITATOR, PHONE, Watch, open_phone

pytestmark = pytest.mark.e2e

CONSOLE = {**PHONE}  # the facilitator's own phone: 390 × 844, touch
PROJECTOR = {"viewport": {"width": 1024, "height": 768}, "locale": "fr-FR"}
# Every control a finger may need, in the part of the console on screen.
TOO_SMALL = """() => [...document.querySelectorAll(
    'button, a[href], input:not([type=hidden]), select, textarea, summary'
  )].filter((node) => {
    const box = node.getBoundingClientRect();
    if (!box.width || !box.height || node.closest('.visually-hidden')) return false;
    if (!node.checkVisibility({ checkVisibilityCSS: true })) return false;
    // a checkbox or radio is as big as its label (or the row holding both)
    const rows = [node, ...(node.labels ?? []), node.closest('.field-check')].filter(Boolean);
    return Math.max(...rows.map((row) => row.getBoundingClientRect().height)) < 44;
  }).map((node) => {
    const label = (node.textContent || node.value || '').trim().slice(0, 30);
    const height = Math.round(node.getBoundingClientRect().height);
    return `${node.tagName} ${node.id || node.className} "${label}" ${height}px`;
  })"""


WIDE = """() => [...document.querySelectorAll('body *')].filter((node) => {
    const box = node.getBoundingClientRect();
    return box.width && box.right > document.documentElement.clientWidth + 1;
  }).slice(0, 8).map((node) => {
    const right = Math.round(node.getBoundingClientRect().right);
    return `${node.tagName}#${node.id}.${node.className} ${right}`;
  })"""


def login(browser: Any, base: str, watch: Watch, options: dict[str, Any]) -> tuple[Any, Any]:
    from playwright.sync_api import expect

    context = browser.new_context(**options)
    page = watch.attach(context.new_page())
    page.goto(f"{base}/connexion/?next=/reunions/1/tableau/")
    page.get_by_label("Nom d’utilisateur").fill(FACILITATOR[0])
    page.get_by_label("Mot de passe").fill(FACILITATOR[1])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/reunions/1/tableau/$"))
    expect(page.locator("#conn")).to_have_attribute("data-status", "open")
    return context, page


def tab(console: Any, name: str) -> None:
    from playwright.sync_api import expect

    button = console.locator("#console-tabs").get_by_role("button", name=re.compile(f"^{name}"))
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


def set_switch(console: Any, selector: str, on: bool) -> None:
    from playwright.sync_api import expect

    switch = console.locator(selector)
    if switch.is_checked() != on:
        switch.click()
    expect(switch).to_be_checked(checked=on)


def set_phase(console: Any, phase: str, label: str) -> None:
    from playwright.sync_api import expect

    console.get_by_label("Phase", exact=True).select_option(phase)
    console.get_by_role("button", name="Appliquer").click()
    expect(console.locator("#phase-label")).to_have_text(label)


def check_fits(console: Any, where: str) -> None:
    width = console.evaluate("document.documentElement.scrollWidth")
    wide = console.evaluate(WIDE)
    assert width <= 390, f"{where}: the console scrolls sideways ({width} px): {wide}"
    small = console.evaluate(TOO_SMALL)
    assert small == [], f"{where}: touch targets under 44 px: {small}"


def test_console_runs_a_whole_meeting_from_a_phone(
    browser: Any, server_url: str, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    token = secrets.token_hex(3)
    watch = Watch()
    context, console = login(browser, server_url, watch, CONSOLE)
    laptop_context, laptop = login(
        browser, server_url, watch, {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}
    )

    # A known starting point: pre-moderation and questions on, ideas shown at once, no open vote.
    expect(console.locator("#toggle-panel")).to_be_hidden()  # the tabs replace it on a phone
    tab(console, "Modération")
    set_switch(console, "#opt-premoderation", True)
    set_switch(console, "#opt-hidden", False)
    set_switch(console, "#opt-questions", True)
    if console.locator("#vote-quick-close").count():
        console.locator("#vote-quick-close").click()
        expect(console.locator("#vote-quick-close")).to_have_count(0)
    set_phase(console, "collect", "Idées ouvertes")
    check_fits(console, "panel")
    console.screenshot(path=str(artifacts / "console-390-panel.png"), full_page=True)

    lea_context, lea = open_phone(browser, server_url, watch, "Léa")
    sam_context, sam = open_phone(browser, server_url, watch, "Sam")

    # Léa's idea waits for approval: the console says so on its tab; one tap approves it.
    idea = f"Des bancs à l'ombre place du marché {token}"
    lea.get_by_label("Votre idée", exact=True).fill(idea)
    lea.get_by_role("button", name="Envoyer mon idée").click()
    expect(lea.locator("#compose-feedback")).to_contain_text("attend la modération")
    expect(console.locator("#tab-pending-badge")).to_be_visible()
    held = console.locator("#inbox-list > li").filter(has_text=token)
    held.get_by_role("button", name="Approuver").click()
    expect(held).to_have_count(0)
    tab(console, "Idées")
    expect(console.locator("#board-cards > li").filter(has_text=idea)).to_have_count(1)
    expect(laptop.locator("#board-cards > li").filter(has_text=idea)).to_have_count(1)
    expect(sam.locator("#ideas > li").filter(has_text=idea)).to_have_count(1)

    # Questions for the speakers: their own words on the phone, their own view on the console.
    sam.get_by_label("Poser une question (plutôt que proposer une idée)").check()
    expect(sam.locator("#compose-title")).to_have_text("Poser une question")
    question = f"Combien coûtera l'entretien des bancs ? {token}"
    sam.get_by_label("Votre question", exact=True).fill(question)
    sam.get_by_role("button", name="Envoyer ma question").click()
    expect(sam.locator("#compose-feedback")).to_contain_text("Votre question est enregistrée")
    console.get_by_role("button", name=re.compile("^Les questions")).click()
    asked = console.locator("#questions-open > li").filter(has_text=token)
    expect(asked.locator(".q-status")).to_have_text("En attente de validation")
    asked.get_by_role("button", name="Approuver la question").click()
    expect(asked.locator(".q-status")).to_be_hidden()
    on_lea = lea.locator("#questions-list > li").filter(has_text=token)
    on_lea.get_by_role("button", name=re.compile("Je soutiens cette question")).click()
    expect(asked.locator(".q-meta")).to_contain_text("1 soutien")
    check_fits(console, "questions")
    console.screenshot(path=str(artifacts / "console-390-questions.png"), full_page=True)
    asked.get_by_role("button", name="Marquer comme répondue").click()
    answered = console.locator("#questions-done > li").filter(has_text=token)
    expect(answered.locator(".q-status")).to_have_text("Répondue")
    expect(console.locator("#questions-open > li").filter(has_text=token)).to_have_count(0)
    expect(lea.locator("#questions-answered > li").filter(has_text=token)).to_contain_text(
        "Répondue"
    )
    lea.locator("#questions-section").scroll_into_view_if_needed()
    lea.screenshot(path=str(artifacts / "console-phone-questions-390.png"))
    console.get_by_role("button", name="Les idées").click()

    # Phase moves from the top of the console, whatever the tab.
    console.get_by_role("button", name="Phase suivante : Idées closes").click()
    expect(console.locator("#phase-label")).to_have_text("Idées closes")
    expect(laptop.locator("#phase-label")).to_have_text("Idées closes")

    # "Trier le reste" and the duplicates, from the panel.
    tab(console, "Modération")
    console.get_by_role("button", name="Trouver les doublons").click()
    dialog = console.locator("#themes-dialog")
    expect(dialog).to_be_visible()
    expect(console.locator("#themes-dialog-title")).to_have_text("Doublons possibles")
    console.screenshot(path=str(artifacts / "console-390-duplicates.png"))
    dialog.get_by_role("button", name="Fermer").first.click()
    expect(dialog).to_be_hidden()

    # A vote: created from the panel, closed without publishing (the private preview), published.
    console.get_by_role("button", name="Nouveau vote…").click()
    vote_dialog = console.locator("#vote-dialog")
    expect(vote_dialog).to_be_visible()
    vote_dialog.locator("input[name=vote-method][value=approval]").check()
    vote_dialog.get_by_label("Titre du vote (facultatif)").fill(f"Priorités {token}")
    boxes = vote_dialog.locator("#vote-ideas input[type=checkbox]")
    for i in range(2):
        boxes.nth(i).check()
    console.screenshot(path=str(artifacts / "console-390-vote-dialog.png"))
    vote_dialog.get_by_role("button", name="Créer le vote").click()
    expect(vote_dialog).to_be_hidden()
    expect(console.locator("#phase-label")).to_have_text("Vote")
    lea.locator("#vote-card .ballot-toggle").first.click()
    lea.get_by_role("button", name="Valider mon vote").click()
    expect(lea.locator("#ballot-status")).to_contain_text("compté")
    item = console.locator("#vote-list > li").filter(has_text=f"Priorités {token}")
    item.get_by_role("button", name="Clore sans publier").click()
    expect(item.locator(".vitem-preview")).to_contain_text("Aperçu (pour vous)")
    expect(lea.locator("#vote-card")).not_to_contain_text("Aperçu")
    console.locator("#vote-quick-publish").click()
    expect(console.locator("#vote-quick-publish")).to_have_count(0)
    tab(console, "Idées")
    expect(console.locator("#vote-stage-kicker")).to_contain_text("Publié")
    check_fits(console, "vote")
    console.screenshot(path=str(artifacts / "console-390-vote.png"), full_page=True)

    # Timeline marks.
    tab(console, "Modération")
    console.get_by_label("Personne qui parle").fill("Agathe Martin")
    console.get_by_role("button", name="Prise de parole").click()
    expect(console.locator("#timeline-list")).to_contain_text("Agathe Martin")

    # Debrief with pre-moderation: the console says so loudly; one tap approves a column.
    set_phase(console, "debrief", "Débat-bilan")
    for text in (f"Trop de bruit le soir {token}", f"Pas assez de toilettes {token}"):
        lea.get_by_label("Une critique").check()
        lea.get_by_label("Votre message").fill(text)
        lea.get_by_role("button", name="Envoyer", exact=True).click()
        expect(lea.locator("#debrief-feedback")).to_have_text("Merci, c'est au tableau !")
    tab(console, "Idées")
    expect(console.locator("#debrief-alert")).to_contain_text("2 messages attendent")
    column = console.locator(".debrief-critique")
    expect(column.locator(".debrief-waiting")).to_have_text("2 en attente")
    expect(column.locator(".dcard.is-pending")).to_have_count(2)
    expect(laptop.locator(".debrief-critique .debrief-waiting")).to_have_text("2 en attente")
    check_fits(console, "debrief")
    console.screenshot(path=str(artifacts / "console-390-debrief.png"), full_page=True)
    column.get_by_role("button", name="Tout approuver (2)").click()
    expect(column.locator(".dcard.is-pending")).to_have_count(0)
    expect(column.locator(".dcard").filter(has_text=token)).to_have_count(2)
    expect(console.locator("#debrief-alert")).to_be_hidden()
    expect(sam.locator("li.idea").filter(has_text="Trop de bruit le soir")).to_have_count(1)

    # The projection tab holds the join details (and, once merged, the projection's controls).
    tab(console, "Projection")
    expect(console.locator(".board-join-code")).to_have_text("PARC23")
    expect(console.locator("#online-text")).to_have_text(re.compile(r"personnes? connectées?"))
    check_fits(console, "projection")
    console.screenshot(path=str(artifacts / "console-390-projection.png"), full_page=True)

    # Back to a usual state for the other tests.
    tab(console, "Modération")
    set_switch(console, "#opt-premoderation", False)
    set_phase(console, "collect", "Idées ouvertes")
    assert watch.dialogs == []
    assert watch.errors == []
    for ctx in (lea_context, sam_context, laptop_context, context):
        ctx.close()


def test_projection_follows_the_phone_console(
    browser: Any, server_url: str, artifacts: Path
) -> None:
    """A 1024 × 768 projection page opened from the console follows what the console chooses."""
    from playwright.sync_api import expect

    token = secrets.token_hex(3)
    watch = Watch()
    context, console = login(browser, server_url, watch, CONSOLE)
    tab(console, "Modération")
    set_switch(console, "#opt-premoderation", False)
    set_switch(console, "#opt-questions", True)
    set_phase(console, "collect", "Idées ouvertes")

    # "Ouvrir la projection" opens the projection page in a window of its own.
    tab(console, "Projection")
    expect(console.locator("#proj-frame")).to_have_attribute("title", re.compile("Aperçu"))
    with context.expect_page() as popup:
        console.get_by_role("link", name="Ouvrir la projection").click()
    projection = watch.attach(popup.value)
    projection.set_viewport_size(PROJECTOR["viewport"])
    projection.wait_for_load_state()
    assert "/projection/" in projection.url

    lea_context, lea = open_phone(browser, server_url, watch, "Léa")
    idea = f"Un jardin partagé derrière l'école {token}"
    lea.get_by_label("Votre idée", exact=True).fill(idea)
    lea.get_by_role("button", name="Envoyer mon idée").click()
    expect(projection.locator("body")).to_contain_text(idea)

    views = console.locator("#proj-views")
    views.get_by_role("button", name="Pause (écran noir)").click()
    expect(views.get_by_role("button", name="Pause (écran noir)")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(projection.locator("body")).not_to_contain_text(idea)
    views.get_by_role("button", name="Idées et thèmes").click()
    expect(projection.locator("body")).to_contain_text(idea)
    console.get_by_label("Les plus soutenues").check()
    console.get_by_label("Texte blanc sur noir").check()
    expect(console.locator("#proj-now")).to_contain_text("les plus soutenues")
    expect(console.locator("#proj-now")).to_contain_text("blanc sur noir")

    # "Répondre maintenant" projects the questions with this one highlighted.
    question = f"Qui arrosera le jardin l'été ? {token}"
    lea.get_by_label("Poser une question (plutôt que proposer une idée)").check()
    lea.get_by_label("Votre question", exact=True).fill(question)
    lea.get_by_role("button", name="Envoyer ma question").click()
    tab(console, "Idées")
    console.get_by_role("button", name=re.compile("^Les questions")).click()
    asked = console.locator("#questions-open > li").filter(has_text=token)
    asked.get_by_role("button", name="Répondre maintenant").click()
    expect(asked.locator(".q-status")).to_have_text("En cours de réponse")
    expect(projection.locator("body")).to_contain_text(question)
    expect(lea.locator("#questions-list > li").filter(has_text=token)).to_contain_text(
        "En cours de réponse"
    )
    projection.screenshot(path=str(artifacts / "console-projection-1024.png"))
    asked.get_by_role("button", name="Marquer comme répondue").click()
    expect(console.locator("#questions-done > li").filter(has_text=token)).to_contain_text(
        "Répondue"
    )

    tab(console, "Projection")
    views.get_by_role("button", name="Idées et thèmes").click()
    console.get_by_label("Les plus récentes").check()
    console.get_by_label("Normal").check()
    assert watch.dialogs == []
    assert watch.errors == []
    for ctx in (lea_context, context):
        ctx.close()


def test_pairing_code_and_two_consoles(browser: Any, server_url: str) -> None:
    """A pairing code for the room's computer; two consoles show the same projected state."""
    from playwright.sync_api import expect

    watch = Watch()
    context, console = login(browser, server_url, watch, CONSOLE)
    laptop_context, laptop = login(
        browser, server_url, watch, {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}
    )
    tab(console, "Projection")
    console.get_by_role("button", name="Projeter sur un autre appareil").click()
    expect(console.locator("#pair-code")).to_have_text(re.compile(r"^\w{4,8}$"))
    expect(console.locator("#pair-expiry")).to_contain_text("Code valable encore")
    expect(console.locator("#pair-box")).to_contain_text("/projection/")
    code = console.locator("#pair-code").inner_text()

    # The room's computer types the code and gets the projection page.
    room_context = browser.new_context(**PROJECTOR)
    room_pc = watch.attach(room_context.new_page())
    room_pc.goto(f"{server_url}/projection/")
    room_pc.get_by_label("Code d'appairage (6 chiffres)").fill(code)
    room_pc.get_by_role("button", name="Afficher la projection").click()
    room_pc.wait_for_url(re.compile(r"/reunions/1/projection/$"))

    # What one console chooses, the other shows.
    console.locator("#proj-views").get_by_role("button", name="Code QR").click()
    laptop_qr = laptop.locator("#proj-views").get_by_role("button", name="Code QR")
    expect(laptop_qr).to_have_attribute("aria-pressed", "true")
    expect(room_pc.locator("svg").first).to_be_visible()
    laptop.locator("#proj-views").get_by_role("button", name="Idées et thèmes").click()
    expect(
        console.locator("#proj-views").get_by_role("button", name="Idées et thèmes")
    ).to_have_attribute("aria-pressed", "true")
    assert watch.errors == []
    for ctx in (room_context, laptop_context, context):
        ctx.close()
