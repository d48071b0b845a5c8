"""Demo content: a five-day small-town festival in July, three venues, about twenty sessions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from .enums import EventKind, SessionKind
from .models import Event, Organization, Session, Speaker, Track, Venue

DEMO_SLUG = "bien-vivre-saint-aubin-2027"
DEMO_ORGANIZER_USERNAME = "animatrice"  # the deliberation demo's facilitator, if present
ZONE = "Europe/Paris"

VENUES = [
    ("cafe", "Café des Tilleuls", "2 place des Tilleuls, Saint-Aubin-sur-Loire"),
    ("salle", "Salle des fêtes", "rue de la Mairie, Saint-Aubin-sur-Loire"),
    ("parc", "Parc de la Mairie", "entrée par l'avenue de la Loire"),
]
TRACKS = [
    ("alimentation", "Alimentation", "seagreen"),
    ("sante", "Santé", "tomato"),
    ("mobilite", "Mobilité", "royalblue"),
    ("lien-social", "Lien social et culture", "goldenrod"),
]
SPEAKERS = [
    ("awa-diallo", "Awa Diallo", "Maraîchère en agriculture biologique à Saint-Aubin."),
    ("marc-petit", "Marc Petit", "Cuisinier au restaurant scolaire."),
    ("dr-helene-roux", "Dr Hélène Roux", "Médecin généraliste à la maison de santé."),
    ("samir-benali", "Samir Benali", "Animateur de l'atelier vélo solidaire."),
    ("claire-morel", "Claire Morel", "Entrepreneure du bien-vivre."),
    ("jeanne-lefort", "Jeanne Lefort", "Conseillère municipale déléguée aux mobilités."),
    ("les-gais-lurons", "Les Gais Lurons", "Fanfare du canton."),
    ("paul-guerin", "Paul Guérin", "Sophrologue."),
]
# (day of July, start, end, title, kind, venue, track, speakers, capacity, description)
SESSIONS = [
    (
        6,
        "10:00",
        "12:00",
        "Cuisiner les légumes de saison",
        SessionKind.WORKSHOP,
        "cafe",
        "alimentation",
        ["awa-diallo", "marc-petit"],
        12,
        "Éplucher, cuisiner, goûter : trois recettes simples avec les légumes du marché.",
    ),
    (
        6,
        "14:00",
        "15:30",
        "Ouverture du festival : bien vivre à Saint-Aubin",
        SessionKind.PUBLIC_MEETING,
        "salle",
        "lien-social",
        ["claire-morel"],
        None,
        "Présentation du programme et premières idées des habitants.",
    ),
    (
        6,
        "16:00",
        "17:30",
        "Marche douce au bord de Loire",
        SessionKind.WORKSHOP,
        "parc",
        "sante",
        ["paul-guerin"],
        20,
        "Une marche accessible à tous, départ devant le kiosque.",
    ),
    (
        6,
        "21:00",
        "23:00",
        "Concert de la fanfare",
        SessionKind.CONCERT,
        "parc",
        "lien-social",
        ["les-gais-lurons"],
        None,
        "Cuivres et bonne humeur sous les tilleuls.",
    ),
    (
        7,
        "10:00",
        "12:00",
        "Réparer son vélo",
        SessionKind.WORKSHOP,
        "parc",
        "mobilite",
        ["samir-benali"],
        10,
        "Apportez votre vélo : crevaison, freins, éclairage.",
    ),
    (
        7,
        "10:00",
        "11:30",
        "Le sommeil, parlons-en",
        SessionKind.TALK,
        "salle",
        "sante",
        ["dr-helene-roux"],
        None,
        "Comprendre son sommeil et mieux dormir, sans médicament.",
    ),
    (
        7,
        "14:00",
        "16:00",
        "Composter en ville et au jardin",
        SessionKind.WORKSHOP,
        "cafe",
        "alimentation",
        ["awa-diallo"],
        15,
        "Démonstration et distribution de bio-seaux.",
    ),
    (
        7,
        "18:00",
        "19:00",
        "Webconférence : la méthode Inform'action",
        SessionKind.WEBCONFERENCE,
        None,
        "lien-social",
        ["claire-morel"],
        100,
        "Pour les collectivités et les entreprises : la méthode en 45 minutes, puis vos questions.",
    ),
    (
        8,
        "09:30",
        "11:30",
        "Petit-déjeuner équilibré pour les familles",
        SessionKind.WORKSHOP,
        "cafe",
        "alimentation",
        ["marc-petit"],
        16,
        "Avec les enfants, dès 6 ans.",
    ),
    (
        8,
        "14:00",
        "16:00",
        "Débat : se déplacer sans voiture à Saint-Aubin ?",
        SessionKind.DEBATE,
        "salle",
        "mobilite",
        ["jeanne-lefort", "samir-benali"],
        None,
        "Navette, covoiturage, pistes cyclables : vos idées et vos questions aux élus.",
    ),
    (
        8,
        "16:30",
        "18:00",
        "Gym douce pour les seniors",
        SessionKind.WORKSHOP,
        "parc",
        "sante",
        ["paul-guerin"],
        15,
        "Tapis fournis.",
    ),
    (
        9,
        "10:00",
        "12:00",
        "Atelier zéro gaspillage",
        SessionKind.WORKSHOP,
        "cafe",
        "alimentation",
        ["awa-diallo"],
        12,
        "Restes et épluchures : on cuisine tout.",
    ),
    (
        9,
        "10:00",
        "12:00",
        "Cartographier les trajets du quotidien",
        SessionKind.WORKSHOP,
        "salle",
        "mobilite",
        ["jeanne-lefort"],
        20,
        "Sur une grande carte, on trace nos trajets et les obstacles.",
    ),
    (
        9,
        "14:00",
        "15:30",
        "Premiers secours : les gestes qui sauvent",
        SessionKind.WORKSHOP,
        "salle",
        "sante",
        ["dr-helene-roux"],
        12,
        "Initiation avec mannequins.",
    ),
    (
        9,
        "16:00",
        "17:30",
        "Balade à vélo vers les producteurs",
        SessionKind.WORKSHOP,
        "parc",
        "mobilite",
        ["samir-benali", "awa-diallo"],
        14,
        "Vélos prêtés sur demande.",
    ),
    (
        9,
        "20:30",
        "22:30",
        "Bal folk",
        SessionKind.CONCERT,
        "parc",
        "lien-social",
        ["les-gais-lurons"],
        None,
        "Initiation aux danses à 20 h 30.",
    ),
    (
        10,
        "10:00",
        "11:30",
        "Relaxation et respiration",
        SessionKind.WORKSHOP,
        "cafe",
        "sante",
        ["paul-guerin"],
        12,
        "",
    ),
    (
        10,
        "10:00",
        "12:00",
        "Grand pique-nique partagé",
        SessionKind.OTHER,
        "parc",
        "lien-social",
        [],
        None,
        "Chacun apporte un plat à partager.",
    ),
    (
        10,
        "14:00",
        "16:00",
        "Réunion publique : ce que nous retenons du festival",
        SessionKind.PUBLIC_MEETING,
        "salle",
        "lien-social",
        ["claire-morel", "jeanne-lefort"],
        None,
        "Atouts, critiques et pistes d'amélioration : le débat-bilan à chaud.",
    ),
    (
        10,
        "17:00",
        "18:00",
        "Goûter de clôture",
        SessionKind.OTHER,
        "cafe",
        "alimentation",
        [],
        40,
        "Produits locaux, offert par l'association.",
    ),
]


def _at(day: int, hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(2027, 7, day, int(hours), int(minutes), tzinfo=ZoneInfo(ZONE))


@transaction.atomic
def seed_festival() -> Event:
    """Create (or find) the demo festival. Idempotent: a second call changes nothing."""
    existing = Event.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing
    organization, _created = Organization.objects.get_or_create(
        name="Association Bien Vivre en Loire",
        defaults={"territory": "Saint-Aubin-sur-Loire"},
    )
    organizer = get_user_model().objects.filter(username=DEMO_ORGANIZER_USERNAME).first()
    if organizer is not None:
        organization.members.add(organizer)
    event = Event.objects.create(
        organization=organization,
        title="Festival Bien Vivre à Saint-Aubin-sur-Loire",
        slug=DEMO_SLUG,
        kind=EventKind.FESTIVAL,
        description=(
            "Cinq jours d'ateliers, de débats et de concerts, construits avec les habitants, "
            "les bénévoles et les associations du territoire."
        ),
        starts_on=date(2027, 7, 6),
        ends_on=date(2027, 7, 10),
        timezone=ZONE,
    )
    venues = {
        key: Venue.objects.create(event=event, name=name, address=address, position=n)
        for n, (key, name, address) in enumerate(VENUES)
    }
    tracks = {
        slug: Track.objects.create(event=event, name=name, slug=slug, color=color)
        for slug, name, color in TRACKS
    }
    speakers = {
        slug: Speaker.objects.create(event=event, name=name, slug=slug, bio=bio)
        for slug, name, bio in SPEAKERS
    }
    for day, start, end, title, kind, venue, track, names, capacity, text in SESSIONS:
        session = Session.objects.create(
            event=event,
            title=title,
            kind=kind,
            description=text,
            starts_at=_at(day, start),
            ends_at=_at(day, end),
            venue=venues[venue] if venue else None,
            track=tracks[track],
            capacity=capacity,
            online_url=(
                "https://visio.example.org/informaction-methode"
                if kind == SessionKind.WEBCONFERENCE
                else ""
            ),
            dial_in_phone="+33 1 84 88 00 00" if kind == SessionKind.WEBCONFERENCE else "",
            dial_in_info="code 427 913" if kind == SessionKind.WEBCONFERENCE else "",
        )
        session.speakers.set([speakers[s] for s in names])
    return event
