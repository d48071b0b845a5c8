"""Who may organise what: members of an event's organization, and superusers."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rooms.errors import DomainError

from .models import Event, Organization, Session

User = AbstractBaseUser | AnonymousUser


def is_superuser(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def can_manage_organization(user: User | None, organization: Organization | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if organization is None:
        return False
    return organization.members.filter(pk=user.pk).exists()


def can_edit_event(user: User | None, event: Event) -> bool:
    """Organizers of the event's organization, and superusers. An event without an
    organization is editable by superusers only."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if event.organization_id is None:
        return False
    return Organization.members.through.objects.filter(
        organization_id=event.organization_id, user_id=user.pk
    ).exists()


def editable_events(user: User | None) -> QuerySet[Event]:
    """The events `user` may edit (the same rule as `can_edit_event`, as a query)."""
    if user is None or not user.is_authenticated:
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(organization__members=user)


def editable_sessions(user: User | None) -> QuerySet[Session]:
    """The sessions of the events `user` may edit: the only ones a meeting may be linked to."""
    return Session.objects.filter(event__in=editable_events(user))


def check_can_edit(user: User | None, event: Event) -> None:
    if not can_edit_event(user, event):
        raise DomainError(
            "event.forbidden", _("Seuls les organisateurs de cet événement peuvent le modifier.")
        )
