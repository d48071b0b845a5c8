"""Messages that outlive the page (issue 10, item 13): an unacknowledged message is kept in
localStorage, a reload resends it with its id (applied once), a refused one is shown and dropped,
and a `server.error` reply offers "Réessayer", which resends the same message with the same id.
The board keeps its own messages the same way, and never sends what a phone page stored.

The server is a Daphne subprocess with a test-only app (tests/e2e/faults.py) that fails once on
an idea marked FAIL_ONCE; the phone's room socket goes through Playwright's WebSocket routing so
the test can hold back frames in either direction, as a bad network would."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import SQLITE_NAME, Seeded, serve, server_env
from .faults import FAIL_ONCE
from .test_board_phone import PHONE, Watch, board_card, phone_card, post_idea
from .test_votes import login_board

pytestmark = pytest.mark.e2e


@dataclass
class FaultServer:
    """The e2e server and a way to count what it stored."""

    url: str
    database: str  # the SQLite file, or the PostgreSQL URL

    def count_ideas(self, text: str) -> int:
        query = "SELECT COUNT(*) FROM deliberation_idea WHERE text = "
        if self.database.startswith("postgres"):
            import psycopg

            with psycopg.connect(self.database) as conn:
                row = conn.execute(query + "%s", [text]).fetchone()
        else:
            with closing(sqlite3.connect(self.database)) as conn:
                row = conn.execute(query + "?", [text]).fetchone()
        return int(row[0]) if row else 0


@pytest.fixture(scope="module")
def fault_server(tmp_path_factory: pytest.TempPathFactory, seeded: Seeded) -> Iterator[FaultServer]:
    """A Daphne server, demo seeded, whose idea service fails once on FAIL_ONCE."""
    data_dir = tmp_path_factory.mktemp("e2e-faults")
    env = server_env(data_dir, "faults_", settings="tests.e2e.settings_faults")
    with seeded.copy_for(env, "faults_"):
        database = env.get("DATABASE_URL") or str(data_dir / SQLITE_NAME)
        for url in serve(env, data_dir):
            yield FaultServer(url, database)


@dataclass
class Link:
    """A page's room sockets, routed through the test: frames can be held back."""

    drop_submits: bool = False  # idea.submit never reaches the server
    drop_acks: bool = False  # acks never reach the page
    drop_types: set[str] = field(default_factory=set)  # nor do these commands
    sent: list[tuple[str, str]] = field(default_factory=list)  # (type, id) of every command

    @property
    def submits(self) -> list[str]:
        """Ids of every idea.submit the page sent."""
        return [message_id for kind, message_id in self.sent if kind == "idea.submit"]

    def route(self, ws: Any) -> None:
        server = ws.connect_to_server()

        def to_server(message: str | bytes) -> None:
            frame = _frame(message)
            kind = frame.get("type")
            if kind != "snapshot.get":
                self.sent.append((kind, frame.get("id")))
            if kind in self.drop_types or (kind == "idea.submit" and self.drop_submits):
                return
            server.send(message)

        def to_page(message: str | bytes) -> None:
            if self.drop_acks and _frame(message).get("type") == "ack":
                return
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)


def _frame(message: str | bytes) -> dict[str, Any]:
    try:
        frame = json.loads(message)
    except ValueError:
        return {}
    return frame if isinstance(frame, dict) else {}


def eventually(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("the condition never held")
        time.sleep(0.1)


def open_phone(
    browser: Any, base: str, watch: Watch, name: str, link: Link | None = None, script: str = ""
) -> tuple[Any, Any]:
    """A phone that joined the demo meeting, its socket routed through `link`."""
    from playwright.sync_api import expect

    context = browser.new_context(**PHONE)
    if link is not None:
        context.route_web_socket(re.compile(r"/ws/room/"), link.route)
    page = watch.attach(context.new_page())
    if script:
        page.add_init_script(script)
    page.goto(f"{base}/j/PARC23")
    page.get_by_label(re.compile("prénom")).fill(name)
    page.get_by_role("button", name="Rejoindre").click()
    page.wait_for_url(re.compile(r"/m/PARC23/$"))
    expect(page.locator("#conn")).to_have_attribute("data-status", "open")
    return context, page


@contextmanager
def board_and_phone(
    browser: Any, base: str, name: str, link: Link | None = None, script: str = ""
) -> Iterator[tuple[Any, Any]]:
    """The facilitator's board with ideas open and a phone that joined (its socket through
    `link`); afterwards, neither page had a script error or a dialog."""
    watch = Watch()
    board_context, board = login_board(browser, base, watch)
    set_phase(board, "collect", "Idées ouvertes")
    context, phone = open_phone(browser, base, watch, name, link, script)
    try:
        yield board, phone
        assert watch.errors == []
        assert watch.dialogs == []
    finally:
        context.close()
        board_context.close()


def set_phase(board: Any, phase: str, label: str) -> None:
    from playwright.sync_api import expect

    panel = board.locator("#mod-panel")
    if not panel.is_visible():
        board.get_by_role("button", name="Modération", exact=True).click()
    board.get_by_label("Phase", exact=True).select_option(phase)
    board.get_by_role("button", name="Appliquer").click()
    expect(board.locator("#phase-label")).to_have_text(label)


def reload_page(page: Any) -> None:
    from playwright.sync_api import expect

    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-status", "open")


def test_an_idea_cut_off_before_the_server_is_resent_after_a_reload(
    browser: Any, fault_server: FaultServer
) -> None:
    from playwright.sync_api import expect

    link = Link(drop_submits=True)
    with board_and_phone(browser, fault_server.url, "Inès", link) as (board, phone):
        text = f"Des fontaines à eau dans le parc {secrets.token_hex(3)}"
        post_idea(phone, text)
        expect(phone.locator("#conn-text")).to_contain_text("1 envoi en attente")
        eventually(lambda: len(link.submits) == 1)
        sent_id = link.submits[0]
        expect(board_card(board, text)).to_have_count(0)
        assert fault_server.count_ideas(text) == 0

        # The network is back, the person reloads: the idea goes out again, with its id.
        link.drop_submits = False
        reload_page(phone)
        expect(board_card(board, text)).to_have_count(1)
        expect(phone_card(phone, text)).to_have_count(1)
        expect(phone.locator("#conn-text")).to_have_text("En direct")
        assert link.submits == [sent_id, sent_id]
        assert fault_server.count_ideas(text) == 1

        # Acknowledged, it is forgotten: another reload sends nothing.
        reload_page(phone)
        expect(phone_card(phone, text)).to_have_count(1)
        phone.wait_for_timeout(500)
        assert link.submits == [sent_id, sent_id]


def test_an_idea_whose_ack_was_lost_is_resent_after_a_reload_and_stored_once(
    browser: Any, fault_server: FaultServer
) -> None:
    from playwright.sync_api import expect

    link = Link(drop_acks=True)
    with board_and_phone(browser, fault_server.url, "Malo", link) as (board, phone):
        text = f"Un abri pour les vélos cargo {secrets.token_hex(3)}"
        post_idea(phone, text)
        expect(board_card(board, text)).to_have_count(1)  # stored by the server
        expect(phone.locator("#conn-text")).to_contain_text("1 envoi en attente")  # no ack yet
        sent_id = link.submits[0]

        link.drop_acks = False
        reload_page(phone)
        expect(phone.locator("#conn-text")).to_have_text("En direct")
        assert link.submits == [sent_id, sent_id]
        expect(phone_card(phone, text)).to_have_count(1)
        expect(board_card(board, text)).to_have_count(1)
        assert fault_server.count_ideas(text) == 1


def test_a_server_error_offers_to_retry_the_same_message(
    browser: Any, fault_server: FaultServer, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    link = Link()
    with board_and_phone(browser, fault_server.url, "Yanis", link) as (board, phone):
        text = f"Des bancs à l'ombre {FAIL_ONCE} {secrets.token_hex(3)}"
        post_idea(phone, text)
        failure = phone.locator(".send-failed")
        expect(failure).to_be_visible()
        expect(failure.get_by_role("alert")).to_contain_text("Erreur du serveur")
        expect(phone.locator("#conn-text")).to_contain_text("1 envoi en attente")
        expect(board_card(board, text)).to_have_count(0)
        assert fault_server.count_ideas(text) == 0
        phone.screenshot(path=str(artifacts / "phone-390-server-error.png"))

        failure.get_by_role("button", name="Réessayer").click()
        expect(phone.locator("#compose-feedback")).to_contain_text("affichée au tableau")
        expect(failure).to_be_hidden()
        expect(board_card(board, text)).to_have_count(1)
        expect(phone_card(phone, text)).to_have_count(1)
        assert len(link.submits) == 2
        assert link.submits[0] == link.submits[1]
        assert fault_server.count_ideas(text) == 1


def test_giving_up_after_a_server_error_puts_the_idea_back_and_forgets_it(
    browser: Any, fault_server: FaultServer
) -> None:
    from playwright.sync_api import expect

    link = Link()
    with board_and_phone(browser, fault_server.url, "Lou", link) as (board, phone):
        text = f"Une fresque sur le mur du gymnase {FAIL_ONCE} {secrets.token_hex(3)}"
        post_idea(phone, text)
        failure = phone.locator(".send-failed")
        failure.get_by_role("button", name="Abandonner").click()
        expect(failure).to_be_hidden()
        expect(phone.locator("#compose-error")).to_contain_text("Erreur du serveur")
        expect(phone.get_by_label("Votre idée", exact=True)).to_have_value(text)
        expect(phone.locator("#conn-text")).to_have_text("En direct")

        reload_page(phone)
        phone.wait_for_timeout(500)
        assert len(link.submits) == 1
        expect(board_card(board, text)).to_have_count(0)
        assert fault_server.count_ideas(text) == 0


def test_a_resent_idea_refused_after_the_reload_comes_back_to_the_compose_box(
    browser: Any, fault_server: FaultServer
) -> None:
    from playwright.sync_api import expect

    link = Link(drop_submits=True)
    with board_and_phone(browser, fault_server.url, "Zoé", link) as (board, phone):
        text = f"Un marché le dimanche {secrets.token_hex(3)}"
        post_idea(phone, text)
        expect(phone.locator("#conn-text")).to_contain_text("1 envoi en attente")
        set_phase(board, "review", "Idées closes")  # meanwhile, ideas close

        link.drop_submits = False
        reload_page(phone)
        expect(phone.locator("#compose-closed")).to_be_visible()
        expect(phone.locator("#conn-text")).to_have_text("En direct")
        expect(phone.locator("#compose-error")).to_contain_text("n'a pas abouti")
        expect(phone.locator(".send-failed")).to_have_count(0)
        assert len(link.submits) == 2
        assert fault_server.count_ideas(text) == 0

        # Ideas open again: the text is still in the compose box, and the refused one is forgotten.
        set_phase(board, "collect", "Idées ouvertes")
        expect(phone.get_by_label("Votre idée", exact=True)).to_have_value(text)
        reload_page(phone)
        phone.wait_for_timeout(500)
        assert len(link.submits) == 2


BROKEN_STORAGE = {
    "private mode": """Object.defineProperty(window, "localStorage", {
        get() { throw new DOMException("Accès refusé", "SecurityError"); },
    });""",
    "full": """Storage.prototype.setItem = function () {
        throw new DOMException("Plein", "QuotaExceededError");
    };""",
}


@pytest.mark.parametrize("case", sorted(BROKEN_STORAGE))
def test_phones_without_usable_storage_still_post_and_retry(
    browser: Any, fault_server: FaultServer, case: str
) -> None:
    from playwright.sync_api import expect

    script = BROKEN_STORAGE[case]
    with board_and_phone(browser, fault_server.url, "Nour", script=script) as (board, phone):
        text = f"Une boîte à livres {FAIL_ONCE} {secrets.token_hex(3)}"
        post_idea(phone, text)
        phone.locator(".send-failed").get_by_role("button", name="Réessayer").click()
        expect(phone.locator("#compose-feedback")).to_contain_text("affichée au tableau")
        expect(board_card(board, text)).to_have_count(1)
        assert fault_server.count_ideas(text) == 1


# What a phone page of the same browser leaves in storage (docs/protocol.md, "What our pages do").
PHONE_ENTRY = """([text, path]) => {
    const id = "test-phone-1";
    const frame = { type: "idea.submit", id, data: { text, title: "" } };
    localStorage.setItem(`informaction.outbox.v1|phone|${path}|${id}`,
        JSON.stringify({ t: Date.now(), n: 0, me: null, frame }));
}"""


def test_the_board_resends_its_own_stored_messages_and_never_a_phones(
    browser: Any, fault_server: FaultServer
) -> None:
    from playwright.sync_api import expect

    watch = Watch()
    context, board = login_board(browser, fault_server.url, watch)
    set_phase(board, "collect", "Idées ouvertes")
    link = Link(drop_types={"idea.add_paper"})
    context.route_web_socket(re.compile(r"/ws/room/"), link.route)
    reload_page(board)  # the board's socket now goes through the link

    token = secrets.token_hex(3)
    paper = f"Post-it : un jardin partagé {token}"
    board.get_by_role("button", name="Saisir un post-it").click()
    board.get_by_label("Texte du post-it").fill(paper)
    board.get_by_role("button", name="Ajouter le post-it").click()
    eventually(lambda: "idea.add_paper" in [kind for kind, _id in link.sent])
    paper_ids = [message_id for kind, message_id in link.sent if kind == "idea.add_paper"]
    assert len(paper_ids) == 1
    expect(board_card(board, paper)).to_have_count(0)
    board.evaluate(PHONE_ENTRY, [f"Idée d'un téléphone {token}", "/ws/room/PARC23/"])

    link.drop_types.clear()
    reload_page(board)
    expect(board_card(board, paper)).to_have_count(1)
    assert [i for kind, i in link.sent if kind == "idea.add_paper"] == paper_ids * 2
    assert link.submits == []  # the phone's message is the phone page's
    assert fault_server.count_ideas(paper) == 1
    assert watch.errors == []
    assert watch.dialogs == []
    context.close()
