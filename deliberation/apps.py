from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Délibération")

    def ready(self) -> None:
        """Register with the room kernel the board's commands, its part of every snapshot, its
        sections of the minutes, and its ideas as what a vote can be about."""
        from rooms import commands, snapshot, sources

        from .commands import COMMANDS
        from .minutes import register_sections
        from .selectors import BOARD_PART, ideas_for_vote

        commands.register(*COMMANDS)
        snapshot.register_part(BOARD_PART)
        sources.register_source("idea", ideas_for_vote)
        register_sections()  # the meeting's sections of the minutes (rooms.minutes)
