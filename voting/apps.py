from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Votes")

    def ready(self) -> None:
        """Register the vote commands and the votes' part of every snapshot with the room
        kernel; a cancelled ticket withdraws its ballots."""
        from events.signals import registration_cancelled
        from rooms import commands, snapshot

        from .commands import COMMANDS
        from .minutes import register_sections
        from .passes import ticket_cancelled
        from .selectors import VOTES_PART

        commands.register(*COMMANDS)
        snapshot.register_part(VOTES_PART)

        registration_cancelled.connect(ticket_cancelled, dispatch_uid="voting.ticket_cancelled")
        register_sections()  # the votes in the minutes (rooms.minutes)
