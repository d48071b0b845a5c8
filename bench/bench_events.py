"""Events benchmark: whole-event iCal feed for 500 sessions, and 300 concurrent registrations
to a 50-seat session. Prints numbers; asserts nothing.

    python bench/bench_events.py                      # throwaway SQLite in a temp DATA_DIR
    DATABASE_URL=postgres://… python bench/bench_events.py   # also/instead on PostgreSQL

On SQLite the registrations run from 300 threads at once (BEGIN IMMEDIATE serialises writers).
PostgreSQL allows 100 connections by default: 300 requests are released at the same instant
from a pool of at most 80 threads (each request holds one connection).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if not os.environ.get("DATABASE_URL"):
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="bench-events-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "informaction.settings")
os.environ.setdefault("DEBUG", "False")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from events import selectors, services  # noqa: E402
from events.ical import build_calendar  # noqa: E402
from events.models import Event, Organization, Registration, Session, Speaker, Track, Venue  # noqa: E402

SESSIONS = 500
RUNS = 30
REGISTRATIONS = 300
SEATS = 50


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build_festival() -> Event:
    zone = ZoneInfo("Europe/Paris")
    organization = Organization.objects.create(name="Bench", territory="Banc d'essai")
    slug = f"bench-{int(time.time() * 1000)}"
    event = Event.objects.create(
        organization=organization,
        title="Festival de 500 séances",
        slug=slug,
        starts_on=date(2027, 3, 20),
        ends_on=date(2027, 11, 5),
        timezone="Europe/Paris",
    )
    venues = [Venue.objects.create(event=event, name=f"Lieu {n}") for n in range(6)]
    colors = ["seagreen", "tomato", "royalblue", "goldenrod", "orchid", "teal"]
    tracks = [
        Track.objects.create(event=event, name=f"Parcours {n}", slug=f"p{n}", color=c)
        for n, c in enumerate(colors)
    ]
    speakers = [
        Speaker.objects.create(event=event, name=f"Intervenant·e {n}", slug=f"i{n}")
        for n in range(60)
    ]
    first = datetime(2027, 3, 20, 9, 0, tzinfo=zone)
    sessions = []
    for n in range(SESSIONS):
        start = first + timedelta(days=n // 2, hours=(n % 2) * 5)
        sessions.append(
            Session(
                event=event,
                title=f"Atelier n°{n} : cuisine, santé & mobilité",
                description="Une description de quelques lignes.\nAvec un retour à la ligne.",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                venue=venues[n % len(venues)],
                track=tracks[n % len(tracks)],
                capacity=20 if n % 3 else None,
                online_url="https://visio.example.org/x" if n % 50 == 0 else "",
                cancelled=n % 40 == 0,
            )
        )
    Session.objects.bulk_create(sessions)
    through = Session.speakers.through
    through.objects.bulk_create(
        through(session_id=s.pk, speaker_id=speakers[i % len(speakers)].pk)
        for i, s in enumerate(Session.objects.filter(event=event))
    )
    return event


def bench_feed(event: Event) -> dict[str, float]:
    base = "https://reunion.example.org"
    pure, full, http = [], [], []
    feed_sessions = selectors.feed_sessions(Session.objects.filter(event=event), base)
    for _ in range(RUNS):
        t0 = time.perf_counter()
        body = build_calendar(
            name=event.title,
            zone_name=event.timezone,
            sessions=feed_sessions,
            calendar_uid="bench@informaction",
        )
        pure.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        build_calendar(
            name=event.title,
            zone_name=event.timezone,
            sessions=selectors.feed_sessions(Session.objects.filter(event=event), base),
            calendar_uid="bench@informaction",
        )
        full.append(time.perf_counter() - t0)
    client = Client()
    url = reverse("events:feed-event", kwargs={"slug": event.slug})
    not_modified = []
    for _ in range(RUNS):
        cache.clear()  # no rendered-body cache: measure the render
        t0 = time.perf_counter()
        response = client.get(url)
        http.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        not_modified.append(time.perf_counter() - t0)
    ms = 1000
    return {
        "bytes": len(body),
        "calendar_median_ms": statistics.median(pure) * ms,
        "calendar_p95_ms": percentile(pure, 0.95) * ms,
        "query_and_calendar_median_ms": statistics.median(full) * ms,
        "query_and_calendar_p95_ms": percentile(full, 0.95) * ms,
        "http_200_median_ms": statistics.median(http) * ms,
        "http_200_p95_ms": percentile(http, 0.95) * ms,
        "http_304_median_ms": statistics.median(not_modified) * ms,
    }


def bench_registrations(event: Event) -> dict[str, float]:
    session = Session.objects.create(
        event=event,
        title="Atelier très demandé",
        starts_at=datetime(2027, 7, 6, 10, tzinfo=ZoneInfo("Europe/Paris")),
        ends_at=datetime(2027, 7, 6, 12, tzinfo=ZoneInfo("Europe/Paris")),
        capacity=SEATS,
    )
    url = reverse("events:session-detail", kwargs={"slug": event.slug, "pk": session.pk})
    workers = REGISTRATIONS if connection.vendor == "sqlite" else 80
    barrier = threading.Barrier(min(workers, REGISTRATIONS))
    statuses: list[int] = []
    lock = threading.Lock()

    def register(n: int) -> None:
        try:
            if n < barrier.parties:
                barrier.wait(timeout=60)
            response = Client().post(url, {"name": f"P{n}", "email": f"p{n}@example.org"})
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(register, range(REGISTRATIONS)))
    elapsed = time.perf_counter() - t0
    registered = Registration.objects.filter(session=session, status="registered").count()
    waiting = Registration.objects.filter(session=session, status="waiting").count()
    return {
        "threads": workers,
        "requests": REGISTRATIONS,
        "http_302": statuses.count(302),
        "other_status": len(statuses) - statuses.count(302),
        "registered": registered,
        "waiting": waiting,
        "seconds": elapsed,
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"backend: {connection.vendor}  python {sys.version.split()[0]}  cpus {os.cpu_count()}")
    t0 = time.perf_counter()
    event = build_festival()
    print(f"seeded {SESSIONS} sessions in {time.perf_counter() - t0:.1f} s")
    try:
        feed = bench_feed(event)
        print(f"whole-event feed, {SESSIONS} sessions, {feed['bytes']} bytes, {RUNS} runs:")
        for key in (
            "calendar_median_ms",
            "calendar_p95_ms",
            "query_and_calendar_median_ms",
            "query_and_calendar_p95_ms",
            "http_200_median_ms",
            "http_200_p95_ms",
            "http_304_median_ms",
        ):
            print(f"  {key:30s} {feed[key]:8.1f}")
        reg = bench_registrations(event)
        print(
            f"registrations: {reg['requests']} requests from {reg['threads']} threads to "
            f"{SEATS} seats in {reg['seconds']:.2f} s -> registered {reg['registered']}, "
            f"waiting {reg['waiting']}, 302 {reg['http_302']}, other {reg['other_status']}"
        )
    finally:
        if os.environ.get("DATABASE_URL"):
            organization = event.organization
            services.Agenda.objects.filter(event=event).delete()
            event.delete()
            organization.delete()


if __name__ == "__main__":
    main()
