from django.contrib import admin

from .models import Agenda, Event, Organization, Registration, Room, Session, Speaker, Track, Venue


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
    list_display = ["name", "email", "session", "status", "checked_in_at", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["token", "checkin_token"]


admin.site.register([Venue, Room, Track, Speaker, Agenda])
