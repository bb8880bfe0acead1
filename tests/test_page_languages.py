"""Every page of the access matrix speaks one language: rendered in Portuguese or English it shows
no French-only message of the catalogues, and in French or English no Portuguese-only one.

"Catalogues" are every catalogue Django loads (Django's, its apps', ours): a message missing from
one language's catalogue falls back to French, the default language, and that is how "- Choisir
une option -" reached Portuguese pages. A French-only message is a French text that differs from
the Portuguese and the English one; only its parts of at least two words and ten characters
count (not "Site", not a placeholder), and not a part that also occurs in a text of the other
languages. Each page is rendered once per language, for one role that may open it.
"""

import re
from html import unescape

import pytest
from django.test import Client
from django.utils.translation import trans_real

from orienta.conftest import force_login_verified
from orienta.core.tests.test_translations import PLACEHOLDER
from tests import matrix

pytestmark = pytest.mark.usefixtures("compiled_catalogues")

# Who opens each page: the first of these who may (agents first: the pages they use all day).
PREFERRED = [
    "agent_td",
    "manager_td",
    "coordinator_td",
    "provider_user",
    "me_hq",
    "admin_user",
    "agent_mz",
    "coordinator_mz",
    "anonymous",
]
LANGUAGES = ["fr", "pt", "en"]
MIN_CHARS = 10
# Pages written for someone else than their reader, in that person's language.
OTHER_READER = {"people:access_account"}  # the account given to the person, in their language


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _catalogue(language) -> dict:
    translation = trans_real.translation(language)
    return {key: text for key, text in translation._catalog.items() if text}


def _shown(key, catalogue) -> str | None:
    """What a page in this language shows for a message: its translation, else the English
    source (Portuguese falls back to French: that is what the test is for, so not here)."""
    if key in catalogue:
        return catalogue[key]
    return key.split("\x04")[-1] if isinstance(key, str) else None


def _parts(text: str) -> set[str]:
    parts = set()
    for piece in PLACEHOLDER.split(text.replace("%%", "%")):
        piece = " ".join((piece or "").split()).strip(" .,:;·–—()«»\"“”'’")
        if len(piece) >= MIN_CHARS and " " in piece:
            parts.add(piece)
    return parts


def _only_in(language: str) -> set[str]:
    """Parts of the texts of `language` that no other language's text holds."""
    texts = {lang: _catalogue(lang) for lang in LANGUAGES}
    own, others = set(), []
    for key, text in texts[language].items():
        if not isinstance(text, str):
            continue
        shown = [_shown(key, texts[other]) for other in LANGUAGES if other != language]
        if language != "fr" and key not in texts[language]:
            continue
        if text not in shown:
            own |= _parts(text)
        others += [s for s in shown if s]
    for other in LANGUAGES:
        if other != language:
            others += [t for t in texts[other].values() if isinstance(t, str)]
    elsewhere = "\n".join(others)
    return {part for part in own if part not in elsewhere}


def _text(html: str, data: list[str]) -> str:
    """What a reader sees of a page: its text and the labels of its controls, not the
    language switch (which names each language in itself) nor the names of records, which are
    in the language of whoever named them (Chad's fund is the "Fonds d’appui")."""
    html = re.sub(r'<select id="language".*?</select>', "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    labels = re.findall(r'\b(?:placeholder|aria-label|title|alt)="([^"]*)"', html)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " | ", " | ".join([html, *labels]))).split())
    for name in data:
        text = text.replace(name, " | ")
    return text


def _clients(users):
    clients = {"anonymous": Client()}
    for role in PREFERRED[:-1]:
        clients[role] = force_login_verified(Client(), users[role])
    return clients


def _record_names() -> list[str]:
    from orienta.fund.models import Fund

    return list(Fund.objects.values_list("name", flat=True))


def _render(pages, clients, users, scope, language):
    """(page, the language the page declares, its text) for each page that is HTML."""
    for role in PREFERRED[:-1]:
        users[role].language = language
        users[role].save(update_fields=["language"])
    data = _record_names()
    for page, role, where in pages:
        response = clients[role].get(page.path(scope[where]), HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        declared = re.search(r'<html lang="([a-z]+)', html)
        yield f"{page.name} ({role})", declared and declared.group(1), _text(html, data)


def test_every_page_speaks_the_language_of_its_reader(users, matrix_scope):
    pages = []
    for page in matrix.pages():
        role = next(r for r in PREFERRED if matrix.target(page, r))
        pages.append((page, role, matrix.target(page, role)))
    clients = _clients(users)
    foreign = {"fr": _only_in("pt"), "pt": _only_in("fr")}
    foreign["en"] = foreign["fr"] | foreign["pt"]
    assert "- Choisir une option -" in foreign["pt"]  # the defect this test was written for
    failures, seen = [], 0
    for language in LANGUAGES:
        for name, declared, text in _render(pages, clients, users, matrix_scope, language):
            seen += 1
            if declared != language and name.split()[0] not in OTHER_READER:
                failures.append(f"{name} in {language}: the page says it is in {declared}")
            found = sorted(part for part in foreign.get(declared, ()) if part in text)
            if found:
                failures.append(f"{name} in {language}: {found}")
    assert seen >= 3 * 50, f"only {seen} pages rendered"
    assert not failures, "\n".join(failures)
