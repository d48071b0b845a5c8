"""Shape checks for the events forms; the rules (dates, capacity, colours…) stay in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .colors import CSS_COLOR_NAMES
from .enums import EventKind, SessionKind
from .models import Event, Organization, Room, Speaker, Track, Venue

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format=DATETIME_LOCAL, **kwargs)


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'organisation"), max_length=200)
    territory = forms.CharField(label=_("Territoire"), max_length=200, required=False)


class EventForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), required=True
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    slug = forms.SlugField(
        label=_("Adresse courte (facultatif)"),
        max_length=80,
        required=False,
        help_text=_("Lettres, chiffres et tirets : /programme/<adresse>/"),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    starts_on = forms.DateField(label=_("Premier jour"), widget=DateInput())
    ends_on = forms.DateField(label=_("Dernier jour"), widget=DateInput())
    timezone = forms.CharField(label=_("Fuseau horaire"), max_length=64, initial="Europe/Paris")
    published = forms.BooleanField(label=_("Programme publié"), required=False, initial=True)

    def __init__(self, *args, organizations=None, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        if editing:
            del self.fields["organization"]
            del self.fields["slug"]


class VenueForm(forms.Form):
    name = forms.CharField(label=_("Nom du lieu"), max_length=200)
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    position = forms.IntegerField(label=_("Ordre d'affichage"), min_value=0, initial=0)


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Nom de la salle"), max_length=200)


class TrackForm(forms.Form):
    name = forms.CharField(label=_("Nom du parcours"), max_length=100)
    color = forms.ChoiceField(
        label=_("Couleur"),
        choices=[(c, c) for c in sorted(CSS_COLOR_NAMES)],
        initial="steelblue",
    )


class SpeakerForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    bio = forms.CharField(label=_("Présentation"), widget=forms.Textarea, required=False)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=SessionKind.choices)
    starts_at = forms.DateTimeField(label=_("Début"), widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DateTimeLocalInput())
    venue = forms.ModelChoiceField(label=_("Lieu"), queryset=Venue.objects.none(), required=False)
    room = forms.ModelChoiceField(label=_("Salle"), queryset=Room.objects.none(), required=False)
    track = forms.ModelChoiceField(
        label=_("Parcours"), queryset=Track.objects.none(), required=False
    )
    speakers = forms.ModelMultipleChoiceField(
        label=_("Intervenant·es"),
        queryset=Speaker.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        help_text=_("Laissez vide pour une entrée libre, sans inscription."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    online_url = forms.CharField(
        label=_("Lien de la webconférence"), max_length=500, required=False
    )
    dial_in_phone = forms.CharField(label=_("Numéro d'appel"), max_length=40, required=False)
    dial_in_info = forms.CharField(
        label=_("Code ou consignes d'appel"), max_length=200, required=False
    )

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(event=event)
        self.fields["room"].queryset = Room.objects.filter(venue__event=event).select_related(
            "venue"
        )
        self.fields["track"].queryset = Track.objects.filter(event=event)
        self.fields["speakers"].queryset = Speaker.objects.filter(event=event)


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Nouveau début"), widget=DateTimeLocalInput())


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Votre nom"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou .ics"),
        help_text=_(
            "CSV : colonnes titre, type, debut, fin, lieu, salle, parcours, "
            "intervenants, places, description, lien."
        ),
    )
    partial = forms.BooleanField(
        label=_("Importer les lignes valides même si d'autres sont en erreur"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".ics", ".ical", ".txt")):
            raise forms.ValidationError(_("Choisissez un fichier .csv ou .ics."))
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("Fichier trop gros (2 Mo au plus)."))
        return upload


class SessionMessageForm(forms.Form):
    """An organizer's message to the people registered for a session."""

    subject = forms.CharField(label=_("Objet"), max_length=200)
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)
    include_waiting = forms.BooleanField(
        label=_("Aussi aux personnes en liste d'attente"), required=False
    )
