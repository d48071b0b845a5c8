"""Demo content: a facilitator and a public meeting with ideas from invented people."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from .enums import IdeaState, RoomPhase
from .models import Idea, Meeting, Participant, Support

DEMO_USERNAME = "animatrice"
DEMO_PASSWORD = "bien-vivre-2026"  # noqa: S105 - printed on purpose, demo only
DEMO_CODE = "PARC23"

DEMO_IDEAS: list[tuple[str, str]] = [
    ("Maryse", "Des pistes cyclables sécurisées entre le collège et la gare"),
    ("Karim", "Un marché de producteurs locaux le samedi matin sur la place"),
    ("Lucie", "Plus de bancs à l'ombre le long de la rivière"),
    ("Jean-Paul", "Une navette gratuite pour les personnes âgées le jour du marché"),
    ("Awa", "Un jardin partagé derrière la médiathèque"),
    ("", "Des ateliers numériques pour aider à faire ses démarches en ligne"),
    ("Théo", "Un skatepark pour les ados près du stade"),
    ("Nadia", "Une cantine 100 % bio et locale à l'école primaire"),
    ("Gérard", "Réparer l'éclairage du chemin des écoliers"),
    ("Inès", "Un café des parents une fois par mois"),
    ("", "Des fontaines d'eau potable dans le parc"),
    ("Sophie", "Un festival de musique avec les associations du territoire"),
]


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
        participants = []
        for index, (name, text) in enumerate(DEMO_IDEAS):
            person = Participant.objects.create(
                meeting=meeting, device=f"demo-device-{index}", display_name=name
            )
            participants.append(person)
            Idea.objects.create(meeting=meeting, author=person, text=text, state=IdeaState.VISIBLE)
        for idea_index, idea in enumerate(meeting.ideas.all()):
            for person in participants[: (idea_index * 7) % 6]:
                if person.pk != idea.author_id:
                    Support.objects.create(idea=idea, participant=person)
            idea.support_count = idea.supports.count()
            idea.save(update_fields=["support_count"])
        meeting.seq = meeting.ideas.count()
        meeting.save(update_fields=["seq"])
    return DemoInfo(username=DEMO_USERNAME, password=DEMO_PASSWORD, meeting=meeting)
