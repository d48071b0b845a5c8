from django.contrib import admin

from rooms.models import Meeting, Participant

from .models import (
    Idea,
    Questionnaire,
    QuestionnaireResponse,
    SessionOrigin,
    Theme,
    ThemeSuggestion,
    TimelineMark,
)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "join_code", "phase", "owner", "created_at"]
    search_fields = ["title", "join_code"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "state", "support_count", "created_at"]
    list_filter = ["state"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """`listed` is the person's own consent (their phone sets it): read-only here."""

    list_display = ["__str__", "meeting", "listed", "created_at"]
    readonly_fields = ["device", "listed"]
    raw_id_fields = ["meeting"]


# Issue 6 models: a meeting can hold hundreds of ideas and participants, hence raw id fields
# (a select of every row would be slow and useless).


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "meeting", "color", "position", "created_at"]
    search_fields = ["name", "meeting__title", "meeting__join_code"]
    raw_id_fields = ["meeting"]


@admin.register(ThemeSuggestion)
class ThemeSuggestionAdmin(admin.ModelAdmin):
    list_display = ["idea", "theme", "participant", "created_at"]
    raw_id_fields = ["idea", "theme", "participant"]


@admin.register(TimelineMark)
class TimelineMarkAdmin(admin.ModelAdmin):
    list_display = ["meeting", "offset_seconds", "kind", "speaker", "label"]
    list_filter = ["kind"]
    search_fields = ["label", "speaker", "meeting__title", "meeting__join_code"]
    raw_id_fields = ["meeting", "created_by"]


class QuestionnaireResponseInline(admin.TabularInline):
    model = QuestionnaireResponse
    extra = 0
    fields = ["respondent", "answers", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "event", "is_open", "created_at"]
    list_filter = ["is_open"]
    search_fields = ["title"]
    raw_id_fields = ["meeting", "event"]
    inlines = [QuestionnaireResponseInline]


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(admin.ModelAdmin):
    list_display = ["questionnaire", "respondent", "created_at", "updated_at"]
    raw_id_fields = ["questionnaire"]


@admin.register(SessionOrigin)
class SessionOriginAdmin(admin.ModelAdmin):
    list_display = ["session", "meeting", "idea", "theme", "created_at"]
    raw_id_fields = ["session", "meeting", "idea", "theme"]
