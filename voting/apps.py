from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Votes")

    def ready(self) -> None:
        from events.signals import registration_cancelled

        from .passes import ticket_cancelled

        registration_cancelled.connect(ticket_cancelled, dispatch_uid="voting.ticket_cancelled")
