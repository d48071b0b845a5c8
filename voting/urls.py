"""Included by the project under "votes/": /votes/<id>/ballots.csv and /votes/<id>/ballots.json."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/ballots.json", views.ballots_json, name="vote-ballots-json"),
    path("<int:pk>/ballots.csv", views.ballots_csv_view, name="vote-ballots-csv"),
]
