from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Votes")

    def ready(self) -> None:
        """Register the vote commands, the votes' part of every snapshot and voting's share of
        the room's pages with the room kernel; a cancelled ticket withdraws its ballots."""
        from events.signals import registration_cancelled
        from rooms import commands, pages, snapshot

        from .commands import COMMANDS
        from .minutes import register_sections
        from .pages import meeting_detail_context, phone_context
        from .passes import ticket_cancelled
        from .selectors import VOTES_PART

        commands.register(*COMMANDS)
        snapshot.register_part(VOTES_PART)
        pages.register_context("phone", phone_context)
        pages.register_context("meeting-detail", meeting_detail_context)

        registration_cancelled.connect(ticket_cancelled, dispatch_uid="voting.ticket_cancelled")
        register_sections()  # the votes in the minutes (rooms.minutes)
