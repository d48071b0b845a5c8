from django.contrib import admin

from .models import PrivacyPolicy


@admin.register(PrivacyPolicy)
class PrivacyPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "contact_email", "retention_months", "updated_at"]
