"""What an organization tells people about their personal data: contact, purposes, retention.

The row with no organization is the instance's own notice: it applies to meetings and events
that belong to no organization. Rules (defaults, retention dates) live in privacy/services.py.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_RETENTION_MONTHS = 12
MAX_RETENTION_MONTHS = 120


class PrivacyPolicy(models.Model):
    """The privacy notice of one organization (or of the instance, organization empty)."""

    organization = models.OneToOneField(
        "events.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="privacy_policy",
    )
    controller = models.CharField(
        _("responsable du traitement"),
        max_length=200,
        blank=True,
        help_text=_("Par défaut, le nom de l'organisation."),
    )
    contact_email = models.EmailField(
        _("adresse de contact pour les données personnelles"), blank=True
    )
    contact_address = models.TextField(_("adresse postale"), blank=True)
    purposes = models.TextField(
        _("finalités"),
        blank=True,
        help_text=_("Laissez vide pour le texte par défaut."),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("durée de conservation (mois)"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RETENTION_MONTHS)],
        help_text=_(
            "Après ce délai compté depuis la fin de la réunion ou de l'événement, les noms, "
            "adresses e-mail, liens avec les téléphones et réponses libres sont effacés."
        ),
    )
    extra = models.TextField(_("informations complémentaires"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("politique de confidentialité")
        verbose_name_plural = _("politiques de confidentialité")

    def __str__(self) -> str:
        return str(self.organization or _("Instance"))
