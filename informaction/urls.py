from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("programme/", include("events.urls")),
    path(
        "", include("voting.urls")
    ),  # /votes/…, and the voting links of a room (/j/…, /reunions/…)
    path("confidentialite/", include("privacy.urls")),
    path("", include("deliberation.urls")),
]
