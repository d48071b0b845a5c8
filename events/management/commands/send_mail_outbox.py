"""Send the mail waiting in the outbox (events/outbox.py): new messages whose first attempt
failed, and retries whose time has come.

    manage.py send_mail_outbox                # once (cron, systemd timer)
    manage.py send_mail_outbox --loop         # a worker: every --interval seconds (Docker service)

Mail is normally sent right after the change that causes it; this worker only catches up with
what a failing or slow mail server left behind, so it may run on one machine only or on several
(a message is claimed before it is sent: never twice at once).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from events import outbox

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the mail waiting in the outbox, once or in a loop (--loop)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running (a worker)")
        parser.add_argument(
            "--interval", type=float, default=15.0, help="seconds between two rounds (--loop)"
        )

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        self.stopping = False
        if loop and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._stop)  # finish the round, then exit
            signal.signal(signal.SIGINT, self._stop)
        while True:
            if loop:  # a long-lived process: drop connections the database closed meanwhile
                close_old_connections()
            try:
                report = outbox.send_due()
            except DatabaseError:  # the database restarts: try again at the next round
                if not loop:
                    raise
                log.warning("send_mail_outbox: database unavailable", exc_info=True)
            else:
                if report.sent or report.retrying or report.failed or not loop:
                    self.stdout.write(
                        f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
                    )
                if report.sent + report.retrying + report.failed >= outbox.BATCH:
                    continue  # more are due: no pause
            if not loop or self.stopping:
                return
            deadline = time.monotonic() + max(0.1, interval)
            while time.monotonic() < deadline and not self.stopping:
                time.sleep(min(0.5, interval))
            if self.stopping:
                return

    def _stop(self, *_args: Any) -> None:
        self.stopping = True
