"""Voting's pages, included by the project at the site root (informaction/urls.py).

Ballot exports under /votes/; personal links and tickets under the room's paths: phones at
/j/<CODE>/p/<token> and /j/<CODE>/billet/<token>, facilitators at /reunions/<id>/liens/….
"""

from django.urls import path

from . import views, views_links

urlpatterns = [
    path("votes/<int:pk>/ballots.json", views.ballots_json, name="vote-ballots-json"),
    path("votes/<int:pk>/ballots.csv", views.ballots_csv_view, name="vote-ballots-csv"),
    # Votes for registered participants: personal links and event tickets (voting/passes.py).
    path("j/<str:code>/p/<str:token>", views_links.join_personal, name="join-personal"),
    path("j/<str:code>/billet/<str:token>", views_links.join_ticket, name="join-ticket"),
    path("reunions/<int:pk>/liens/", views_links.links_page, name="voter-links"),
    path("reunions/<int:pk>/liens/imprimer/", views_links.links_print, name="voter-links-print"),
    path("reunions/<int:pk>/liens.csv", views_links.links_csv, name="voter-links-csv"),
    path(
        "reunions/<int:pk>/liens/<int:link>/liberer/",
        views_links.link_release,
        name="voter-link-release",
    ),
    path(
        "reunions/<int:pk>/liens/<int:link>/supprimer/",
        views_links.link_delete,
        name="voter-link-delete",
    ),
]
