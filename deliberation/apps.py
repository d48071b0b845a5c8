from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Délibération")

    def ready(self) -> None:
        """Register the board's commands and its part of every snapshot with the room kernel."""
        from rooms import commands, snapshot

        from .commands import COMMANDS
        from .selectors import BOARD_PART

        commands.register(*COMMANDS)
        snapshot.register_part(BOARD_PART)
