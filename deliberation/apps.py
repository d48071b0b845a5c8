from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Délibération")

    def ready(self) -> None:
        """Register the board's commands, its part of every snapshot and its sections of the minutes
        with the room kernel."""
        from rooms import commands, snapshot

        from .commands import COMMANDS
        from .minutes import register_sections
        from .selectors import BOARD_PART

        commands.register(*COMMANDS)
        snapshot.register_part(BOARD_PART)
        register_sections()  # the meeting's sections of the minutes (rooms.minutes)
