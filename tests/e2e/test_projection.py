"""Issue 12: the projected screen reads from the back row, in real browsers.

At 1024×768, 1280×720 and 1920×1080 with 25, 60 and 200 ideas: the idea text is at least 3 % of
the screen height (measured, printed), nothing overflows the viewport (no scrollbar), every idea
is reachable by pages (a "page n/m" indicator), and screenshots are saved as test artifacts. Then
the projection follows a `projection.set` sent from a facilitator's socket, and a room PC pairs
with a code.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, Seeded, serve, server_env
from tests.e2e.test_board_phone import FACILITATOR, Watch

pytestmark = pytest.mark.e2e

SIZES = [(1024, 768), (1280, 720), (1920, 1080)]
COUNTS = [25, 60, 200]
LONG_TITLE = "Réaménagement-complet-de-la-place-du-marché-avec-ombrages-bancs-et-fontaines"

# Meetings of the demo facilitator with 25, 60 and 200 visible ideas (varied lengths, some long
# titles, supports), made in the server's database before it starts.
PREPARE = r"""
import json, random
import django
django.setup()
from django.contrib.auth import get_user_model
from deliberation import services
from deliberation.models import Idea
from rooms.enums import RoomPhase
from rooms.models import Meeting, Participant

owner = get_user_model().objects.get(username="animatrice")
words = ("ombre bancs marché vélo navette jardin partagé fête école santé cantine bio repas "
         "concert atelier jeunes aînés rivière chemin piste cyclable parking bus marché de nuit "
         "compost potager bibliothèque solidarité voisins").split()
rng = random.Random(12)
made = {}
for count in (25, 60, 200):
    meeting = services.meeting_create(owner=owner, title=f"Projection {count} idées")
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.COLLECT, seq=count)
    person = Participant.objects.create(meeting=meeting, device=f"proj-{count}", display_name="Léa")
    for n in range(count):
        length = rng.choice((5, 8, 10, 12, 15, 18, 22, 30, 40))
        text = " ".join(rng.choice(words) for _ in range(length)).capitalize() + f" (n° {n + 1})."
        title = ""
        if n % 9 == 0:
            title = "LONG_TITLE"
        elif n % 4 == 0:
            title = f"Proposition {n + 1}"
        Idea.objects.create(meeting=meeting, author=person, text=text, title=title,
                            support_count=rng.randrange(0, 30))
    made[count] = meeting.pk
print(json.dumps(made))
""".replace("LONG_TITLE", LONG_TITLE)

# What the browser measures: the idea text's size, anything out of the viewport, scrollbars.
MEASURE = """() => {
  const texts = [...document.querySelectorAll('#proj-grid .pcard-text')];
  const sizes = texts.map((t) => parseFloat(getComputedStyle(t).fontSize));
  const out = [];
  for (const node of document.querySelectorAll('#projection *')) {
    if (node.closest('[hidden]') || node.closest('.visually-hidden')) continue;
    const r = node.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    const wider = node.scrollWidth > node.clientWidth + 1;
    const cut = wider && getComputedStyle(node).overflow !== 'visible';
    const clipped = wider && node.matches('p, h1, h2, span');
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1
        || ((cut || clipped) && node.clientWidth)) {
      out.push(`${node.tagName}.${node.className} ${Math.round(r.right)}x${Math.round(r.bottom)}`);
    }
  }
  const doc = document.documentElement;
  const indicator = document.getElementById('proj-page');
  const urlCode = document.querySelector('.proj-join .proj-url-code');
  return {
    min: Math.min(...sizes), count: texts.length, out: out.slice(0, 5),
    scroll: [doc.scrollWidth > innerWidth, doc.scrollHeight > innerHeight],
    page: document.getElementById('projection').dataset.page,
    indicator: indicator.hidden ? '' : indicator.textContent,
    urlCodeWhiteSpace: getComputedStyle(urlCode).whiteSpace,
  };
}"""


# A facilitator's socket sends one command and waits for its ack (the console's part).
SEND = """(data) => new Promise((resolve, reject) => {
  const code = document.getElementById('proj-code').textContent.trim();
  const ws = new WebSocket(`ws://${location.host}/ws/room/${code}/`);
  const frame = {type: 'projection.set', id: 'p' + Date.now(), data};
  ws.onopen = () => ws.send(JSON.stringify(frame));
  ws.onmessage = (event) => {
    const reply = JSON.parse(event.data);
    if (reply.type === 'ack') { ws.close(); resolve(); }
    if (reply.type === 'error') reject(new Error(reply.code));
  };
})"""


@pytest.fixture(scope="module")
def projection_server(
    tmp_path_factory: pytest.TempPathFactory, seeded: Seeded
) -> Iterator[tuple[str, dict[int, int]]]:
    """A server of its own (other browser tests keep the demo meeting as they expect it), with
    the three meetings made before it starts."""
    data_dir = tmp_path_factory.mktemp("e2e-projection")
    env = server_env(data_dir, "projection_")
    with seeded.copy_for(env, "projection_"):
        result = subprocess.run(  # noqa: S603 - our own code with fixed arguments
            [sys.executable, "-c", PREPARE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        meetings = {
            int(k): v for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()
        }
        for base in serve(env, data_dir):
            yield base, meetings


def logged_in(browser: Any, base: str, size: tuple[int, int]) -> Any:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{base}/connexion/?next=/")
    page.get_by_label("Nom d’utilisateur").fill(FACILITATOR[0])
    page.get_by_label("Mot de passe").fill(FACILITATOR[1])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))
    return context


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_projection_reads_from_the_back_row(
    browser: Any, projection_server: tuple[str, dict[int, int]], artifacts: Path, size
) -> None:
    from playwright.sync_api import expect

    base, meetings = projection_server
    folder = artifacts / "projection"
    folder.mkdir(exist_ok=True)
    print(f"\nprojection screenshots in {folder}")
    watch = Watch()
    context = logged_in(browser, base, size)
    page = watch.attach(context.new_page())
    for count in COUNTS:
        page.goto(f"{base}/reunions/{meetings[count]}/projection/")
        expect(page.locator("#projection")).to_have_attribute("data-status", "open")
        expect(page.locator("#proj-grid .pcard").first).to_be_visible()
        expect(page.locator("#online-text")).to_have_text(re.compile(r"personnes? connectées?"))
        page.evaluate("window.__projection.hold()")  # the test turns the pages itself
        pages_seen: set[str] = set()
        shown = 0
        first = page.evaluate(MEASURE)
        start, total_pages = (int(n) for n in first["page"].split("/"))
        for step in range(total_pages):
            index = (start - 1 + step) % total_pages
            measured = page.evaluate(MEASURE)
            assert measured["page"] == f"{index + 1}/{total_pages}"
            threshold = 0.03 * size[1]
            assert measured["min"] >= threshold, (size, count, measured)
            assert measured["out"] == [], (size, count, measured["out"])
            assert measured["scroll"] == [False, False]
            assert measured["urlCodeWhiteSpace"] == "nowrap"
            pages_seen.add(measured["page"])
            shown += measured["count"]
            if step == 0:
                print(
                    f"{size[0]}x{size[1]} {count} ideas: idea text {measured['min']:.1f} px "
                    f"= {100 * measured['min'] / size[1]:.2f} % of the height "
                    f"(3 % = {threshold:.1f} px); {measured['count']} ideas a page, "
                    f"{total_pages} pages"
                )
                page.screenshot(path=str(folder / f"projection-{size[0]}x{size[1]}-{count}.png"))
            if total_pages > 1:
                assert measured["indicator"] == f"page {index + 1}/{total_pages}"
            page.evaluate("window.__projection.nextPage()")
        assert shown == count  # every idea is on one page or another
        assert len(pages_seen) == total_pages
    assert watch.errors == []
    context.close()


def test_projection_follows_the_console_and_pairs_a_room_pc(
    browser: Any, projection_server: tuple[str, dict[int, int]], artifacts: Path
) -> None:
    from playwright.sync_api import expect

    base, meetings = projection_server
    meeting = meetings[25]
    watch = Watch()
    console = logged_in(browser, base, (1280, 720))
    # The room PC: no session; it pairs with a code the console asks for.
    code = console.request.post(
        f"{base}/reunions/{meeting}/projection/code/",
        headers={"X-CSRFToken": csrf(console), "Referer": f"{base}/"},
    ).json()["code"]
    assert re.fullmatch(r"\d{6}", code)
    room_pc = browser.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR")
    wall = watch.attach(room_pc.new_page())
    wall.goto(f"{base}/projection/")
    wall.get_by_label(re.compile("Code d'appairage")).fill(code)
    wall.get_by_role("button", name="Afficher la projection").click()
    wall.wait_for_url(re.compile(rf"/reunions/{meeting}/projection/$"))
    projection = wall.locator("#projection")
    expect(projection).to_have_attribute("data-status", "open")
    expect(projection).to_have_attribute("data-view", "board")
    expect(projection).to_have_attribute("data-sort", "newest")
    # Pages turn by themselves, with the indicator.
    expect(projection).to_have_attribute("data-page", re.compile(r"^1/\d+$"))
    expect(wall.locator("#proj-page")).to_have_text(re.compile(r"^page 1/\d+$"))
    expect(projection).to_have_attribute("data-page", re.compile(r"^2/\d+$"), timeout=12_000)

    # The facilitator's socket (the console) changes the sort, then the view, then the contrast.
    tab = watch.attach(console.new_page())
    tab.goto(f"{base}/reunions/{meeting}/projection/")  # a page with the room's socket
    expect(tab.locator("#projection")).to_have_attribute("data-status", "open")

    def send(data: dict[str, Any]) -> None:
        tab.evaluate(SEND, data)

    send({"sort": "supported"})
    expect(projection).to_have_attribute("data-sort", "supported")
    expect(wall.locator("#proj-heading")).to_contain_text("les plus soutenues")
    send({"view": "qr", "contrast": "dark"})
    expect(projection).to_have_attribute("data-view", "qr")
    expect(projection).to_have_attribute("data-contrast", "dark")
    expect(wall.locator("#proj-bigqr")).to_be_visible()
    assert wall.evaluate(MEASURE)["out"] == []  # the big code stays on the screen
    wall.screenshot(path=str(artifacts / "projection" / "projection-1024x768-qr-dark.png"))
    send({"view": "pause"})
    expect(wall.locator("#proj-pause")).to_be_visible()
    send({"view": "board", "sort": "newest", "contrast": "normal"})
    expect(projection).to_have_attribute("data-view", "board")
    expect(wall.locator("#proj-pause")).to_be_hidden()
    # Read-only: the projected screen's own commands are refused.
    assert watch.errors == []
    room_pc.close()
    console.close()


def csrf(context: Any) -> str:
    """The CSRF cookie of a context (set by the login page)."""
    return next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
