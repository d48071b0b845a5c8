from django.contrib import admin

from .models import Idea, Meeting, Participant


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "join_code", "phase", "owner", "created_at"]
    search_fields = ["title", "join_code"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "state", "support_count", "created_at"]
    list_filter = ["state"]


admin.site.register(Participant)
