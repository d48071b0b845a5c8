from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _policy_changed(**kwargs: object) -> None:
    """A join page kept for new phones shows the policy's notice: render it anew."""
    from informaction.shared_pages import forget_shared_pages

    forget_shared_pages()


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Données personnelles")

    def ready(self) -> None:
        from .models import PrivacyPolicy

        for signal in (post_save, post_delete):
            signal.connect(_policy_changed, sender=PrivacyPolicy, dispatch_uid="privacy.policy")
