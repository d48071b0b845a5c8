from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from deliberation.urls import programme_urlpatterns as meeting_programme_urlpatterns
from events import urls as events_urls

# The programme's URLs, plus the meeting pages that sit among them (opening a live meeting for a
# session) under the same "events:" names; events/ itself imports no meeting module.
programme_urlpatterns = [*events_urls.urlpatterns, *meeting_programme_urlpatterns]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("programme/", include((programme_urlpatterns, events_urls.app_name))),
    # /votes/…, and the voting links of a room (/j/…, /reunions/…)
    path("", include("voting.urls")),
    path("confidentialite/", include("privacy.urls")),
    path("", include("deliberation.urls")),
]
