"""Queue the reminder mail of sessions that start tomorrow (docs/events.md, "Mail").

    manage.py send_session_reminders            # daily, e.g. at 10:00 (cron, systemd timer)
    manage.py send_session_reminders --dry-run  # who would get one

Idempotent: each seated registration gets one reminder at most (Registration.reminded_at),
however often the command runs and even when two runs overlap.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from events import mail


class Command(BaseCommand):
    help = "Queue the day-before reminder of tomorrow's sessions (never twice)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        if dry_run:
            for registration in mail.due_reminders():
                session = registration.session
                self.stdout.write(
                    f"{registration.email}\t{session.starts_at:%Y-%m-%d %H:%M}\t{session.title}"
                )
            return
        count = mail.queue_reminders()
        self.stdout.write(f"{count} reminder(s) queued")
