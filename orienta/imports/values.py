"""A form's cell read as the value of an Orienta field, or a translated reason it cannot be.

Field forms store XML values: dates as `2026-11-03`, times as `2026-11-03T10:15:00.000+01:00`,
a choice as its name in the XLSForm's choices sheet, several choices separated by spaces. The
choice names are expected to be Orienta's codes (`female`, `walk_in`, `health`); the usual
spellings of yes, no and the sexes in French, Portuguese and English are understood too.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

YES = {"yes", "y", "1", "true", "oui", "o", "sim", "s", "vrai", "verdadeiro"}
NO = {"no", "n", "0", "false", "non", "nao", "faux", "falso"}
SEXES = {
    "female": {"female", "f", "femme", "feminin", "feminino", "mulher", "woman", "girl"},
    "male": {"male", "m", "homme", "masculin", "masculino", "homem", "man", "boy", "h"},
    "other": {"other", "autre", "outro"},
    "undisclosed": {"undisclosed"},
}
DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class BadValue(ValueError):
    """The cell cannot be read as the field's value; the message says what was expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fold(text: str) -> str:
    """Lower case, without accents or surrounding spaces."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_date(raw: str) -> date | None:
    """`2026-11-03`, a date and time (its date), or `03/11/2026` (day first); '' is None."""
    raw = raw.strip()
    if not raw:
        return None
    found = DAY_FIRST.match(raw)
    try:
        if found:
            day, month, year = (int(g) for g in found.groups())
            return date(year, month, day)
        if len(raw) > 10:
            return datetime.fromisoformat(raw).date()
        return date.fromisoformat(raw)
    except ValueError:
        raise BadValue(
            _("“%(value)s” is not a date: write it as 2026-11-03.") % {"value": raw[:40]}
        ) from None


def read_datetime(raw: str, tz: str) -> datetime | None:
    """A date and time; a date alone is noon at the site, a time without offset the site's."""
    raw = raw.strip()
    if not raw:
        return None
    if len(raw) <= 10:
        day = read_date(raw)
        assert day is not None
        return datetime.combine(day, time(12), ZoneInfo(tz)).astimezone(UTC)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadValue(
            _("“%(value)s” is not a date and time: write it as 2026-11-03T10:15.")
            % {"value": raw[:40]}
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC)


def read_int(raw: str, *, low: int = 0, high: int = 99_999) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        number = -1.5
    if not number.is_integer() or not low <= number <= high:
        raise BadValue(
            _("“%(value)s” is not a whole number from %(low)s to %(high)s.")
            % {"value": raw[:40], "low": low, "high": high}
        )
    return int(number)


def read_bool(raw: str) -> bool | None:
    value = fold(raw)
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise BadValue(_("“%(value)s” is not yes or no.") % {"value": raw[:40]})


def read_choice(raw: str, codes: Iterable[str], synonyms: dict[str, set[str]] | None = None) -> str:
    """One of `codes` (case and accents aside), or a synonym of one; '' stays ''."""
    value = fold(raw)
    if not value:
        return ""
    known = {fold(code): code for code in codes}
    if value in known:
        return known[value]
    for code, words in (synonyms or {}).items():
        if value in words and code in known.values():
            return code
    raise BadValue(
        _("“%(value)s” is not one of: %(list)s.")
        % {"value": raw[:40], "list": ", ".join(sorted(known.values()))[:300]}
    )


def read_codes(raw: str, codes: Iterable[str]) -> list[str]:
    """Several choices separated by spaces (a select_multiple), each one of `codes`."""
    known = list(codes)
    return list(dict.fromkeys(read_choice(word, known) for word in raw.split()))


def read_sex(raw: str) -> str:
    return read_choice(raw, SEXES, SEXES)
