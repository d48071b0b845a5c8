from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Délibération")

    def ready(self) -> None:
        """Register with the room kernel the board's commands, its part of every snapshot, its
        sections of the minutes, and its ideas as what a vote can be about."""
        from rooms import commands, services, snapshot, sources

        from .commands import COMMANDS
        from .minutes import register_sections
        from .selectors import BOARD_PART, authored_idea_events, ideas_for_vote

        commands.register(*COMMANDS)
        snapshot.register_part(BOARD_PART)
        sources.register_source("idea", ideas_for_vote)
        services.register_people_views(authored_idea_events)  # authors' names on the board
        register_sections()  # the meeting's sections of the minutes (rooms.minutes)
