"""Speed of the minutes export (deliberation/minutes.py + exporters.py) in every format.

    python bench/bench_minutes.py          # throwaway SQLite in a temp DATA_DIR

A meeting with 500 ideas (French, accents, some long, some with HTML and emoji), 20 themes,
3 closed votes (approval, dots, majority judgment; 60 voters), 12 timeline marks, 4 breakout
groups with 3 proposals each and a 30-item debrief. Prints a table, asserts nothing.
Targets (issue 6): PDF under 5 s, every other format under 1 s.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if not os.environ.get("DATABASE_URL"):
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="bench-minutes-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "informaction.settings")
os.environ.setdefault("DEBUG", "False")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from deliberation import exporters, minutes, selectors, services  # noqa: E402
from deliberation.enums import IdeaState  # noqa: E402
from deliberation.models import Idea  # noqa: E402
from rooms.enums import RoomPhase  # noqa: E402
from rooms.models import Meeting, Participant  # noqa: E402
from rooms.roles import Actor  # noqa: E402

RUNS = 5
WORDS = [
    "jardin",
    "partagé",
    "vélo",
    "école",
    "santé",
    "marché",
    "bio",
    "associations",
    "été",
    "fête",
    "quartier",
    "jeunes",
    "aînés",
    "mobilité",
    "douce",
    "covoiturage",
    "bibliothèque",
    "théâtre",
    "rivière",
    "forêt",
    "énergie",
    "solaire",
    "réparation",
    "café",
    "citoyen",
    "halle",
    "concert",
    "cantine",
    "locale",
    "compost",
    "arbres",
    "ombre",
    "bancs",
    "sécurité",
    "piétons",
]


def build() -> int:
    random.seed(6)
    user = get_user_model().objects.create_user("bench")  # no password: never logs in
    meeting = services.meeting_create(owner=user, title="Réunion publique : bien vivre à Crest")
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.COLLECT, place="Salle des fêtes")
    boss = Actor(user_id=user.pk, facilitator=True)
    people = Participant.objects.bulk_create(
        [
            Participant(
                meeting=meeting, device=f"d{n}", display_name=f"Personne {n}", listed=n % 3 == 0
            )
            for n in range(120)
        ]
    )
    themes = [
        services.theme_create(
            meeting_id=meeting.pk, actor=boss, client_id=None, name=f"Thème {n} é"
        )["data"]["theme"]
        for n in range(20)
    ]
    ideas = []
    for n in range(500):
        words = random.choices(WORDS, k=random.randint(6, 60))
        text = " ".join(words).capitalize() + "."
        if n % 50 == 0:
            text += " <b>gras</b> 🌳🚲 " + "très long texte " * 25
        ideas.append(
            Idea(
                meeting=meeting,
                author=people[n % len(people)],
                text=text[:500],
                theme_id=themes[n % 20] if n % 7 else None,
                support_count=random.randint(0, 40),
            )
        )
    for kind in ("strength", "critique", "improvement"):
        ideas += [
            Idea(
                meeting=meeting, author=people[n], text=f"{kind} {n} : ambiance, accueil", kind=kind
            )
            for n in range(10)
        ]
    Idea.objects.bulk_create(ideas)
    for n in range(12):
        services.timeline_mark(
            meeting_id=meeting.pk,
            actor=boss,
            client_id=None,
            kind="speaker",
            speaker=f"Intervenant·e {n}",
            label="présente le module",
            offset=n * 150,
        )
    services.groups_create(meeting_id=meeting.pk, actor=boss, client_id=None, count=4)
    for group in Meeting.objects.filter(parent=meeting).order_by("pk"):
        for n in range(3):
            Idea.objects.create(
                meeting=group, text=f"Proposition {n}\n- point un\n- point deux", pinned=True
            )
    from voting import services as voting

    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.VOTE)
    top = list(Idea.objects.filter(meeting=meeting, kind="idea").order_by("-support_count")[:8])
    for method in ("approval", "dots", "majority_judgment"):
        vote = voting.vote_create(
            meeting_id=meeting.pk,
            actor=boss,
            client_id=None,
            method=method,
            title=f"Priorités ({method})",
            options=[{"idea": i.pk} for i in top],
            open_now=True,
        )["data"]["vote"]
        from voting.models import VoteOption

        options = list(VoteOption.objects.filter(vote_id=vote).values_list("pk", flat=True))
        for person in people[:60]:
            if method == "approval":
                ballot = random.sample(options, 3)
            elif method == "dots":
                ballot = {str(random.choice(options)): 1}
            else:
                ballot = {str(o): random.randint(0, 5) for o in options}
            try:
                voting.ballot_cast(
                    meeting_id=meeting.pk,
                    actor=Actor(participant=person),
                    client_id=None,
                    vote_id=vote,
                    ballot=ballot,
                )
            except Exception as exc:  # noqa: BLE001 - a bench: report and go on
                print("ballot refused:", method, exc)
                break
        voting.vote_close(meeting_id=meeting.pk, actor=boss, client_id=None, vote_id=vote)
    return meeting.pk


def timed(fn, runs: int = RUNS) -> tuple[float, float, object]:
    values, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        values.append((time.perf_counter() - start) * 1000)
    return statistics.median(values), max(values), result


def main() -> None:
    call_command("migrate", verbosity=0)
    meeting_id = build()
    visible = Idea.objects.filter(meeting_id=meeting_id, state=IdeaState.VISIBLE).count()
    print(f"meeting {meeting_id}: {visible} visible ideas, {RUNS} runs each")
    gather, gather_max, source = timed(lambda: selectors.minutes_source(meeting_id))
    compile_ms, _, doc = timed(lambda: minutes.compile_minutes(source))
    print(f"{'step':<28}{'median ms':>10}{'max ms':>10}{'size':>10}")
    print(f"{'gather (selectors)':<28}{gather:>10.0f}{gather_max:>10.0f}")
    print(f"{'compile (minutes.py)':<28}{compile_ms:>10.1f}")
    exporters.to_pdf(doc)  # warm-up: WeasyPrint's fonts and imports (first call only)
    for fmt in ("md", "html", "csv", "json", "docx", "odt", "pdf"):
        median, worst, data = timed(lambda fmt=fmt: exporters.export(doc, fmt))
        print(f"{'export ' + fmt:<28}{median:>10.0f}{worst:>10.0f}{len(data) // 1024:>8} KiB")
    total, worst, _ = timed(
        lambda: exporters.to_pdf(minutes.compile_minutes(selectors.minutes_source(meeting_id))), 3
    )
    print(f"{'gather+compile+pdf':<28}{total:>10.0f}{worst:>10.0f}")


if __name__ == "__main__":
    main()
