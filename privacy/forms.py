"""Shape checks for the privacy pages; rules stay in privacy/services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PrivacyPolicy


class ListedForm(forms.Form):
    listed = forms.BooleanField(label=_("Faire figurer mon nom au compte-rendu"), required=False)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je confirme : effacer mes données"),
        error_messages={"required": _("Cochez la case pour confirmer l'effacement.")},
    )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PrivacyPolicy
        fields = [
            "controller",
            "contact_email",
            "contact_address",
            "purposes",
            "retention_months",
            "extra",
        ]
        widgets = {
            "contact_address": forms.Textarea(attrs={"rows": 3}),
            "purposes": forms.Textarea(attrs={"rows": 5}),
            "extra": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "purposes": _("Une finalité par ligne. Laissez vide pour le texte par défaut."),
        }


class ExportForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    name = forms.CharField(label=_("Nom ou pseudo"), max_length=120, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not (data.get("email") or data.get("name", "").strip()):
            raise forms.ValidationError(_("Indiquez une adresse e-mail ou un nom."))
        return data
