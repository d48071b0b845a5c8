from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Délibération")

    def ready(self) -> None:
        """Register the board's commands, its part of every snapshot, and its ideas as what a
        vote can be about, with the room kernel."""
        from rooms import commands, snapshot, sources

        from .commands import COMMANDS
        from .selectors import BOARD_PART, ideas_for_vote

        commands.register(*COMMANDS)
        snapshot.register_part(BOARD_PART)
        sources.register_source("idea", ideas_for_vote)
