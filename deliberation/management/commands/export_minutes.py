"""manage.py export_minutes <meeting_id> --format pdf --output compte-rendu.pdf [--lang en]"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from deliberation import exporters, minutes, selectors
from rooms.models import Meeting


class Command(BaseCommand):
    help = "Export the minutes (compte-rendu) of a meeting: pdf, odt, docx, html, md, csv, json."

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int)
        parser.add_argument("--format", default="pdf", choices=sorted(exporters.FORMATS))
        parser.add_argument("--output", "-o", default="-", help="a file path, or - for stdout")
        parser.add_argument(
            "--lang",
            default="fr",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language the minutes are written in (default: fr)",
        )

    def handle(
        self,
        *args,
        meeting_id: int,
        format: str,  # noqa: A002
        output: str,
        lang: str = "fr",
        **options,
    ):
        if not Meeting.objects.filter(pk=meeting_id).exists():
            raise CommandError(f"no meeting {meeting_id}")
        with translation.override(lang):
            doc = minutes.compile_minutes(selectors.minutes_source(meeting_id))
            data = exporters.export(doc, format)
        if output == "-":
            sys.stdout.buffer.write(data)
        else:
            with open(output, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"{output}: {len(data)} bytes")
