from django.contrib import admin

from .models import (
    Agenda,
    Event,
    Organization,
    OutgoingMail,
    Registration,
    Room,
    Session,
    Speaker,
    Track,
    Venue,
)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "territory"]
    filter_horizontal = ["members"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "starts_on", "ends_on", "timezone", "published"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "starts_at", "venue", "capacity", "cancelled", "sequence"]
    list_filter = ["event", "cancelled", "kind"]
    readonly_fields = ["uid", "sequence"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "session",
        "status",
        "email_confirmed_at",
        "checked_in_at",
        "created_at",
    ]
    list_filter = ["status"]
    readonly_fields = ["token", "checkin_token"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by services and sent by `send_mail_outbox`."""

    list_display = ["created_at", "to", "kind", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    exclude = ["message"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register([Venue, Room, Track, Speaker, Agenda])
