"""Demo content: a facilitator and a public meeting with ideas from invented people."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from rooms.enums import RoomPhase
from rooms.models import Meeting, Participant

from .enums import IdeaState
from .models import Idea, Support, Theme
from .theme_presets import preset_by_slug

DEMO_USERNAME = "animatrice"
DEMO_PASSWORD = "bien-vivre-2026"  # noqa: S105 - printed on purpose, demo only
DEMO_CODE = "PARC23"

# (author, text, theme preset or None): thirty ideas, five themes, a few left unsorted.
DEMO_IDEAS: list[tuple[str, str, str | None]] = [
    ("Maryse", "Des pistes cyclables sécurisées entre le collège et la gare", "mobilite"),
    ("Jean-Paul", "Une navette gratuite pour les personnes âgées le jour du marché", "mobilite"),
    ("Théo", "pistes cyclabe svp, c'est dangereux rue de la Loire", "mobilite"),
    ("Amandine", "Un garage à vélos couvert près de la mairie", "mobilite"),
    ("", "Covoiturage organisé pour aller au festival depuis les hameaux", "mobilite"),
    ("Gérard", "Réparer l'éclairage du chemin des écoliers", "espace-public-securite"),
    ("Lucie", "Plus de bancs à l'ombre le long de la rivière", "espace-public-securite"),
    ("", "Des fontaines d'eau potable dans le parc", "espace-public-securite"),
    ("Farid", "Ralentir les voitures devant l'école avec un plateau", "espace-public-securite"),
    ("Karim", "Un marché de producteurs locaux le samedi matin sur la place", "alimentation"),
    ("Awa", "Un jardin partagé derrière la médiathèque", "alimentation"),
    ("Nadia", "Une cantine 100 % bio et locale à l'école primaire", "alimentation"),
    ("Odile", "Des ateliers cuisine anti-gaspi avec les anciens", "alimentation"),
    ("", "Un composteur collectif près de la salle des fêtes", "alimentation"),
    ("Bernard", "Une maison de santé avec un médecin le samedi", "sante"),
    ("Chantal", "Des séances de gym douce gratuites pour les seniors", "sante"),
    ("", "Un défibrillateur sur la place du marché", "sante"),
    ("Yanis", "Une permanence d'écoute pour les jeunes qui vont mal", "sante"),
    ("Inès", "Un café des parents une fois par mois", "lien-social"),
    ("Sophie", "Un festival de musique avec les associations du territoire", "culture-fete"),
    ("Mehdi", "Une fête des voisins dans chaque quartier", "lien-social"),
    ("Hélène", "Un repas partagé entre générations pendant le festival", "lien-social"),
    ("", "Des visites à domicile pour les personnes isolées", "lien-social"),
    ("Paul", "Un concert sous la halle le soir du 14 juillet", "culture-fete"),
    ("Zoé", "Un atelier théâtre pour les enfants pendant les vacances", "culture-fete"),
    ("Robert", "Une scène ouverte pour les groupes du coin", "culture-fete"),
    ("", "Des ateliers numériques pour aider à faire ses démarches en ligne", None),
    ("Théo", "Un skatepark pour les ados près du stade", None),
    ("Léon", "Des panneaux solaires sur le toit du gymnase", None),
    ("Agathe", "Une boîte à livres à l'arrêt de bus", None),
]
DEMO_THEMES = ["mobilite", "espace-public-securite", "alimentation", "sante", "lien-social"]


@dataclass
class DemoInfo:
    username: str
    password: str
    meeting: Meeting


@transaction.atomic
def seed_demo() -> DemoInfo:
    """Create (or find) the demo facilitator and meeting. Idempotent."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"first_name": "Claire", "last_name": "Animatrice"}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.is_staff = True
        user.save()
    meeting, created = Meeting.objects.get_or_create(
        join_code=DEMO_CODE,
        defaults={
            "title": "Réunion publique : bien vivre à Saint-Aubin-sur-Loire",
            "description": "Vos idées pour le festival de juillet et la vie du bourg.",
            "owner": user,
            "phase": RoomPhase.COLLECT,
        },
    )
    if created:
        themes = {}
        for position, slug in enumerate(DEMO_THEMES):
            preset = preset_by_slug(slug)
            themes[slug] = Theme.objects.create(
                meeting=meeting,
                name=preset.label_fr,
                color=preset.color,
                preset_slug=slug,
                position=position,
            )
        participants = []
        for index, (name, text, theme) in enumerate(DEMO_IDEAS):
            person = Participant.objects.create(
                meeting=meeting, device=f"demo-device-{index}", display_name=name
            )
            participants.append(person)
            Idea.objects.create(
                meeting=meeting,
                author=person,
                text=text,
                state=IdeaState.VISIBLE,
                theme=themes.get(theme),
            )
        for idea_index, idea in enumerate(meeting.ideas.all()):
            for person in participants[: (idea_index * 7) % 6]:
                if person.pk != idea.author_id:
                    Support.objects.create(idea=idea, participant=person)
            idea.support_count = idea.supports.count()
            idea.save(update_fields=["support_count"])
        meeting.seq = meeting.ideas.count() + len(themes)
        meeting.save(update_fields=["seq"])
    return DemoInfo(username=DEMO_USERNAME, password=DEMO_PASSWORD, meeting=meeting)
