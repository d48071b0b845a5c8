"""The privacy notice: the instance's, each organization's, edited by its members; the links."""

from __future__ import annotations

import pytest

from privacy.models import PrivacyPolicy
from tests.factories_events import make_event, make_organization, make_session, make_user

pytestmark = pytest.mark.django_db


def test_organization_notice_has_french_defaults(client):
    organization = make_organization(name="Association Bien Vivre")

    page = client.get(f"/confidentialite/organisations/{organization.pk}/").content.decode()

    assert "Données personnelles · Association Bien Vivre" in page
    assert "Faire fonctionner les réunions participatives" in page
    assert "Durée : 12 mois après la fin de la réunion ou de l'événement." in page
    assert "www.cnil.fr" in page
    assert "Contact : adressez-vous à l'animation" in page
    assert "Modifier cette page" not in page


def test_notice_shows_what_the_organization_wrote(client):
    organization = make_organization(name="Mairie de Crest")
    PrivacyPolicy.objects.create(
        organization=organization,
        controller="Commune de Crest",
        contact_email="dpo@crest.example",
        purposes="Concertation sur le plan vélo\nBilan du festival",
        retention_months=24,
    )

    page = client.get(f"/confidentialite/organisations/{organization.pk}/").content.decode()

    assert "Commune de Crest" in page
    assert "dpo@crest.example" in page
    assert "<li>Concertation sur le plan vélo</li>" in page
    assert "Faire fonctionner les réunions" not in page
    assert "Durée : 24 mois" in page


def test_organization_without_policy_takes_the_instance_contact(client):
    PrivacyPolicy.objects.create(contact_email="contact@instance.example", retention_months=18)
    organization = make_organization()

    page = client.get(f"/confidentialite/organisations/{organization.pk}/").content.decode()

    assert "contact@instance.example" in page
    assert "Durée : 18 mois" in page


def test_member_edits_the_notice_and_a_bad_retention_is_refused(client):
    member = make_user()
    organization = make_organization(member)
    client.force_login(member)
    url = f"/confidentialite/organisations/{organization.pk}/modifier/"

    refused = client.post(url, {"retention_months": "0", "contact_email": "x@y.fr"})
    saved = client.post(url, {"retention_months": "6", "contact_email": "rgpd@asso.example"})

    assert refused.status_code == 400
    assert "supérieure ou égale à 1" in refused.content.decode()
    assert saved.status_code == 302
    policy = PrivacyPolicy.objects.get(organization=organization)
    assert (policy.retention_months, policy.contact_email) == (6, "rgpd@asso.example")
    page = client.get(f"/confidentialite/organisations/{organization.pk}/").content.decode()
    assert "Modifier cette page" in page


def test_stranger_cannot_edit_a_notice(client):
    organization = make_organization()
    client.force_login(make_user())

    response = client.post(
        f"/confidentialite/organisations/{organization.pk}/modifier/", {"retention_months": "1"}
    )

    assert response.status_code == 404
    assert not PrivacyPolicy.objects.exists()


def test_footer_links_to_the_notice_and_site_page_lists_organizations(client):
    organization = make_organization(name="Association Bien Vivre")

    home = client.get("/").content.decode()
    site = client.get("/confidentialite/").content.decode()

    assert '<footer class="site-footer"><a href="/confidentialite/">' in home
    assert f'href="/confidentialite/organisations/{organization.pk}/"' in site


def test_registration_page_links_to_the_organizations_notice(client):
    organization = make_organization()
    event = make_event(organization)
    session = make_session(event, capacity=10)

    page = client.get(f"/programme/{event.slug}/seances/{session.pk}/").content.decode()

    assert "seuls les organisateurs les voient" in page
    assert f'href="/confidentialite/organisations/{organization.pk}/"' in page
