from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.site_notice, name="site"),
    path("modifier/", views.notice_edit, name="site-edit"),
    path("organisations/<int:pk>/", views.organization_notice, name="organization"),
    path("organisations/<int:pk>/modifier/", views.notice_edit, name="organization-edit"),
    path("export/", views.person_export, name="export"),
    # A phone's own data (the device cookie), a registrant's (the registration's secret link).
    path("reunions/<str:code>/mes-donnees/", views.my_data, name="my-data"),
    path("reunions/<str:code>/mes-donnees.json", views.my_data_json, name="my-data-json"),
    path("inscriptions/<str:token>/", views.registration_data, name="registration-data"),
]
