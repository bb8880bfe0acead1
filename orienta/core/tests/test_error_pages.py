"""The 403, 404 and 500 pages (and the CSRF refusal): the site's look, the user's language, the
menu when signed in; the API keeps answering JSON. DEBUG is off, as in production."""

import json

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from orienta.conftest import force_login_verified

# Pages read against the committed catalogues, compiled afresh (not stale .mo files).
pytestmark = pytest.mark.usefixtures("compiled_catalogues")

STYLESHEET = '<link rel="stylesheet" href="/static/orienta/orienta.css">'
MENU = 'aria-label="{}"'
TEXT = {
    "fr": {
        "menu": "Menu principal",
        403: "Accès refusé",
        404: "Page introuvable",
        500: "Erreur du serveur",
        "csrf": "Le formulaire n’a pas été envoyé",
        "home": "Retour à l’accueil",
    },
    "pt": {
        "menu": "Menu principal",
        403: "Acesso recusado",
        404: "Página não encontrada",
        500: "Erro do servidor",
        "csrf": "O formulário não foi enviado",
        "home": "Voltar ao início",
    },
    "en": {
        "menu": "Main menu",
        403: "Not allowed",
        404: "Page not found",
        500: "Server error",
        "csrf": "The form was not sent",
        "home": "Back to the home page",
    },
}
LANGUAGES = list(TEXT)


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _signed_in(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return force_login_verified(Client(), user)


def _assert_page(response, status, language, key, *, menu):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert STYLESHEET in page
    assert f"<h1>{TEXT[language][key]}</h1>" in page
    assert TEXT[language]["home"] in page
    assert (MENU.format(TEXT[language]["menu"]) in page) == menu
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_address_gets_the_404_page_with_the_menu(users, language):
    client = _signed_in(users["agent_td"], language)
    _assert_page(client.get("/no-such-page/"), 404, language, 404, menu=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_record_out_of_scope_gets_the_404_page(users, persons, language):
    client = _signed_in(users["agent_td"], language)
    response = client.get(f"/people/{persons['person_mz'].pk}/")
    _assert_page(response, 404, language, 404, menu=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stranger_gets_the_404_page_in_the_browser_language(db, language):
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    _assert_page(response, 404, language, 404, menu=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_role_that_may_not_gets_the_403_page_with_the_menu(users, language):
    client = _signed_in(users["agent_td"], language)  # statements are not an agent's
    _assert_page(client.get("/fund/statements/"), 403, language, 403, menu=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_refused_by_the_csrf_check_says_what_to_do(users, language):
    client = _signed_in(users["agent_td"], language)
    client.handler.enforce_csrf_checks = True
    response = client.post("/language/", {"language": language, "next": "/"})
    _assert_page(response, 403, language, "csrf", menu=True)


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "orienta.core.tests.failing_urls"


def _quiet(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_server_error_gets_the_500_page_in_the_user_language(users, failing, language):
    client = _quiet(_signed_in(users["agent_td"], language))
    _assert_page(client.get("/boom/"), 500, language, 500, menu=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_500_page_renders_when_the_database_is_down(users, failing, monkeypatch, language):
    client = _quiet(_signed_in(users["agent_td"], language))

    def down(*args, **kwargs):
        raise OperationalError("the database is down")

    # Signed in, the language comes from the account, which cannot be read: the browser's.
    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "cursor", down)
        response = client.get("/day/", HTTP_ACCEPT_LANGUAGE=language)
    _assert_page(response, 500, language, 500, menu=False)


def test_the_500_page_renders_when_the_context_processors_fail(users, failing, monkeypatch):
    from orienta.core import page_panels

    def broken(request):
        raise RuntimeError("a panel failed")

    monkeypatch.setattr(page_panels, "nav_links", broken)
    client = _quiet(_signed_in(users["agent_td"], "pt"))
    _assert_page(client.get("/day/"), 500, "pt", 500, menu=False)


def test_the_api_answers_json_to_unknown_addresses_and_errors(users, failing):
    client = _quiet(force_login_verified(Client(), users["agent_td"]))
    for path, status in (("/api/v1/no-such-route", 404), ("/api/v2/", 404), ("/api/boom/", 500)):
        response = client.get(path)
        assert response.status_code == status, path
        assert response["Content-Type"] == "application/json", path
        assert json.loads(response.content)["detail"], path
