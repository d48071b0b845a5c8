from django.core.management.base import BaseCommand
from django.urls import reverse

from deliberation.demo import seed_demo
from events.demo import seed_festival


class Command(BaseCommand):
    help = "Create the demo facilitator and meeting (idempotent) and print how to reach them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url: str, **options) -> None:
        info = seed_demo()
        festival = seed_festival()
        base = base_url.rstrip("/")
        meeting = info.meeting
        lines = [
            "",
            "Inform'action demo is ready.",
            f"  Facilitator login : {base}{reverse('login')}",
            f"      username      : {info.username}",
            f"      password      : {info.password}",
            f"  Board (projector) : {base}{reverse('board', kwargs={'pk': meeting.pk})}",
            f"  Join URL (phones) : {base}{reverse('join', kwargs={'code': meeting.join_code})}",
            f"  Join code         : {meeting.join_code}",
            f"  Festival programme: {base}{reverse('events:programme', args=[festival.slug])}",
            "",
        ]
        self.stdout.write("\n".join(lines))
