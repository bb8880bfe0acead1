"""The French, Portuguese and English catalogues: complete, in step with the code, and used."""

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "locale"
LANGUAGES = ["fr", "pt", "en"]
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "pt": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
}
# printf-style conversions: %(name)s and positional %s, %d, %.1f...; "%%" is a literal percent.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
    r"[hlL]?(?P<type>[diouxXeEfFgGcrsa])"
)
# Directories that are not part of the code, or that hold the catalogues themselves.
NOT_CODE = (
    ".venv",
    "venv",
    ".git",
    "locale",
    "var",
    "node_modules",
    "__pycache__",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    "staticfiles",
    "test-results",
)


@functools.cache
def _catalogue(language):
    """The committed catalogue, read once (the tests only read it)."""
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as f:
        return read_po(f, locale=language, abort_invalid=True)


def _raw_header(language):
    """The header fields as written in the file (babel normalises some of them on reading)."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    header = re.search(r'^msgid ""\nmsgstr ""\n((?:".*"\n)+)', text, re.M)
    assert header, "the catalogue has no header entry"
    fields = "".join(line[1:-1] for line in header.group(1).splitlines()).split("\\n")
    return dict(field.split(": ", 1) for field in fields if ": " in field)


def _entries(catalogue):
    return [m for m in catalogue if m.id]


def _key(message):
    return (message.context, message.id)


def placeholders(text):
    """The multiset of printf placeholders in a message, e.g. ['%(name)s', '%d']."""
    found = PLACEHOLDER.findall(text.replace("%%", ""))
    return sorted(f"%({name}){kind}" if name else f"%{kind}" for name, kind in found)


def test_placeholders_are_found():
    assert placeholders("%(n)s of %(total)d, %s and %.1f%%") == ["%(n)s", "%(total)d", "%f", "%s"]


# (a) Every catalogue is complete and sound.


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_header_is_set(language):
    catalogue = _catalogue(language)
    assert not catalogue.fuzzy, "remove '#, fuzzy' from the header: the catalogue would be skipped"
    headers = _raw_header(language)
    assert headers["Language"] == language
    assert headers["Content-Type"].lower() == "text/plain; charset=utf-8"
    assert headers["Plural-Forms"] == PLURAL_FORMS[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)
    entries = _entries(catalogue)
    assert entries
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert not fuzzy, f"fuzzy entries in {language}: {fuzzy}"
    untranslated = [m.id for m in entries if not (all(m.string) if m.pluralizable else m.string)]
    assert not untranslated, f"untranslated entries in {language}: {untranslated}"
    plural_counts = {len(m.string) for m in entries if m.pluralizable}
    assert plural_counts <= {catalogue.num_plurals}
    assert not catalogue.obsolete, f"obsolete entries in {language}: {list(catalogue.obsolete)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    wrong = []
    for message in _entries(_catalogue(language)):
        if message.pluralizable:
            singular, plural = message.id
            forms = list(message.string)
            pairs = [(singular if i == 0 else plural, form) for i, form in enumerate(forms)]
        else:
            pairs = [(message.id, message.string)]
        wrong += [
            (source, text) for source, text in pairs if placeholders(source) != placeholders(text)
        ]
    assert not wrong, f"placeholders changed in {language}: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_compiles(language):
    errors = [(m.id, err) for m, errs in _catalogue(language).check() for err in errs]
    assert not errors


def test_the_catalogues_hold_the_same_messages():
    keys = {language: {_key(m) for m in _entries(_catalogue(language))} for language in LANGUAGES}
    assert keys["fr"] == keys["pt"] == keys["en"]


# (b) The catalogues are in step with the code.


def test_the_catalogues_are_up_to_date_with_the_code(tmp_path):
    """Extract the messages from a copy of the code and compare with what is committed."""
    missing_tools = [
        tool for tool in ("xgettext", "msguniq", "msgmerge") if shutil.which(tool) is None
    ]
    if missing_tools:
        pytest.skip(f"GNU gettext is not installed ({', '.join(missing_tools)} not found)")
    copy = tmp_path / "orienta-copy"
    shutil.copytree(ROOT, copy, ignore=_ignore_not_code, symlinks=True)
    (copy / "locale").mkdir()
    env = os.environ | {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "catalogue-check",
        "ORIENTA_DEMO": "0",
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-location",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with open(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po", "rb") as f:
        in_code = {_key(m) for m in _entries(read_po(f))}
    committed = {_key(m) for m in _entries(_catalogue("fr"))}
    hint = "run `make messages`, translate the new entries, and commit locale/"
    assert not in_code - committed, (
        f"messages missing from the catalogues ({hint}): {sorted(map(str, in_code - committed))}"
    )
    assert not committed - in_code, (
        f"messages no longer in the code ({hint}): {sorted(map(str, committed - in_code))}"
    )


def _ignore_not_code(directory, names):
    ignored = {name for name in names if name in NOT_CODE or name.endswith((".pyc", ".mo"))}
    if Path(directory) == ROOT:
        ignored |= {name for name in names if name.endswith(".sqlite3")}
    return ignored


# (c) The pages use the translations.


def _navigation(page):
    nav = re.search(r"<nav[^>]*>(.*?)</nav>", page, re.S)
    assert nav, "no navigation on the page"
    return re.findall(r">([^<>]+)</a>", nav.group(1))


LOGIN_LABELS = {
    "fr": ["Se connecter", "Nom d’utilisateur", "Mot de passe", "Langue", "Changer"],
    "pt": ["Iniciar sessão", "Nome de utilizador", "Palavra-passe", "Idioma", "Mudar"],
    "en": ["Sign in", "Username", "Password", "Language", "Change"],
}


@pytest.mark.parametrize(
    "accept_language,language",
    [
        ("fr-TD,fr;q=0.9", "fr"),
        ("pt-MZ,pt;q=0.9,en;q=0.5", "pt"),
        ("pt-PT", "pt"),
        ("en", "en"),
    ],
)
def test_the_sign_in_page_follows_the_browser_language(
    client, db, compiled_catalogues, accept_language, language
):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=accept_language).text
    assert f'<html lang="{language}">' in page
    for label in LOGIN_LABELS[language]:
        assert label in page
    if language != "en":
        for english in LOGIN_LABELS["en"]:
            assert f">{english}<" not in page


DAY_PAGE = {
    "fr": {
        "nav": [
            "Aujourd’hui",
            "Personnes",
            "Liste de travail",
            "Dossiers",
            "Orientations",
            "Fonds d’appui",
            "Familles",
            "Répertoire",
            "Travail communautaire",
            "Centre de ressources",
            "Imports",
            "Sites",
        ],
        "heading": "0 visite aujourd’hui",
        "role": "Agent d’orientation",
        "menu": 'aria-label="Menu principal"',
    },
    "pt": {
        "nav": [
            "Hoje",
            "Pessoas",
            "Lista de trabalho",
            "Casos",
            "Encaminhamentos",
            "Fundo de apoio",
            "Famílias",
            "Diretório",
            "Trabalho comunitário",
            "Centro de recursos",
            "Importações",
            "Postos",
        ],
        "heading": "0 atendimentos hoje",
        "role": "Agente de orientação",
        "menu": 'aria-label="Menu principal"',
    },
    "en": {
        "nav": [
            "Today",
            "People",
            "Worklist",
            "Cases",
            "Referrals",
            "Support fund",
            "Families",
            "Directory",
            "Community work",
            "Resource centre",
            "Imports",
            "Sites",
        ],
        "heading": "0 visits today",
        "role": "Agent",
        "menu": 'aria-label="Main menu"',
    },
}


@pytest.mark.parametrize("language", ["fr", "pt", "en"])
def test_the_day_page_follows_the_agent_language(login, users, compiled_catalogues, language):
    agent = users["agent_td"]
    agent.language = language
    agent.save()
    page = login(agent).get(reverse("frontdesk:day")).text
    expected = DAY_PAGE[language]
    assert _navigation(page) == expected["nav"]
    assert expected["menu"] in page
    assert expected["heading"] in page  # French counts 0 in the singular, Portuguese does not
    assert expected["role"] in page
    if language != "en":
        assert "Log out" not in page and "No visit recorded yet today." not in page


def test_the_plural_forms_follow_each_language(compiled_catalogues):
    from django.utils import translation

    def visits(language, n):
        with translation.override(language):
            return translation.ngettext("%(n)s visit today", "%(n)s visits today", n) % {"n": n}

    assert [visits("fr", n) for n in (0, 1, 2)] == [
        "0 visite aujourd’hui",
        "1 visite aujourd’hui",
        "2 visites aujourd’hui",
    ]
    assert [visits("pt", n) for n in (0, 1, 2)] == [
        "0 atendimentos hoje",
        "1 atendimento hoje",
        "2 atendimentos hoje",
    ]


def _messages(translation) -> dict:
    return {key: text for key, text in translation._catalog.items() if isinstance(key, str)}


def test_no_portuguese_message_falls_back_to_french(compiled_catalogues):
    """Django shows a message that Portuguese lacks in the default language, French: every
    message of Django, its apps and ours that French translates, Portuguese translates too
    (Django's own gaps are filled in orienta/core/upstream_messages.py)."""
    from django.utils.translation import trans_real

    french = _messages(trans_real.translation("fr"))
    portuguese = _messages(trans_real.translation("pt"))
    missing = sorted(key.replace("\x04", " | ") for key in french.keys() - portuguese.keys())
    assert not missing, f"add these to orienta/core/upstream_messages.py: {missing}"


def test_an_optional_select_offers_a_blank_choice_in_portuguese(login, users, compiled_catalogues):
    agent = users["agent_mz"]
    page = login(agent).get(reverse("people:register")).text
    assert '<html lang="pt">' in page
    assert "- Selecione uma opção -" in page
    assert "Choisir" not in page
