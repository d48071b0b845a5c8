"""manage.py apply_retention [--dry-run]: erase personal data past its retention period.

Meant for cron or a systemd timer (daily); running it twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from privacy import retention


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of meetings and events older than their organization's "
        "retention period (names, e-mail addresses, device links, free-text answers)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be erased, change nothing"
        )
        parser.add_argument(
            "--now", help="pretend it is this ISO date-time (to check a schedule), e.g. 2027-08-01"
        )

    def handle(self, *args, dry_run: bool = False, now: str | None = None, **options):
        moment = self._moment(now)
        items = retention.run(now=moment, dry_run=dry_run)
        verb = "would erase" if dry_run else "erased"
        for item in items:
            counts = ", ".join(f"{n} {what}" for what, n in item.counts.items() if n)
            self.stdout.write(f"{item.label}, ended {item.ended_at:%Y-%m-%d}: {verb} {counts}")
        if not items:
            self.stdout.write("nothing to erase")
        elif dry_run:
            self.stdout.write("dry run: nothing was changed")

    def _moment(self, value: str | None) -> datetime | None:
        if not value:
            return None
        moment = parse_datetime(value) or parse_datetime(value + "T00:00:00")
        if moment is None:
            raise CommandError(f"--now: not an ISO date or date-time: {value!r}")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment
