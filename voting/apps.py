from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Votes")

    def ready(self) -> None:
        from events.signals import registration_cancelled

        from .minutes import register_sections
        from .passes import ticket_cancelled

        registration_cancelled.connect(ticket_cancelled, dispatch_uid="voting.ticket_cancelled")
        register_sections()  # the votes in the minutes (rooms.minutes)
