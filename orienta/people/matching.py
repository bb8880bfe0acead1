"""Duplicate-person matching: name normalisation, blocking keys and pairwise scoring.

Pure Python (no Django), so it can be unit-tested and used from anywhere.

* ``normalize_name`` / ``name_tokens`` / ``canonical_token`` turn a written name into
  spelling-tolerant tokens (accents, Abd-el particles, ou/u, dj/j, doubled letters, a table of
  frequent Chadian, Mozambican and Bissau-Guinean name variants...).
* ``match_keys`` gives the blocking keys stored per person to retrieve candidates.
* ``compare`` scores one pair; ``rank`` scores and sorts a candidate list.

The score is a logistic of summed evidence weights (log-odds): names carry most of the weight,
an exact birth date, a shared phone and the sex add or remove evidence, and missing or estimated
data stay neutral or soft.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, JaroWinkler

#: Score at or above which a candidate is shown as a likely duplicate. Scores are a logistic of
#: the summed evidence, so 0.5 is where the evidence for and against balances; on the labelled
#: pairs of ``tests/labelled_pairs.py`` it keeps recall near 1 with precision around 0.97.
MATCH_THRESHOLD = 0.5

REASONS = (
    "same_phone",
    "same_names",
    "similar_names",
    "names_swapped",
    "same_birth_date",
    "close_birth_date",
    "birth_date_conflict",
    "same_sex",
    "sex_conflict",
    "other_name_match",
)


@dataclass(frozen=True)
class Identity:
    given_name: str = ""
    family_name: str = ""
    other_names: str = ""
    sex: str = ""  # "female" | "male" | "other" | "undisclosed" | ""
    birth_date: date | None = None
    birth_date_estimated: bool = False
    phone: str = ""  # any format; E.164 preferred


@dataclass
class MatchResult:
    score: float
    reasons: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_PRENASAL_APOSTROPHE = re.compile(r"\b([nm])['\u2019\u02bc`]\s*(?=[a-z])")
_NOT_LETTER = re.compile(r"[^a-z]+")
_ABD_HEADS = frozenset({"abd", "abdel", "abdal", "abdul", "abdoul", "abdil"})
# Arabic article after "abd", assimilated or not: Abd-el-Kérim, Abd-er-Rahmane, Abd-es-Salam...
_ARTICLES = frozenset(
    {"el", "al", "ul", "oul", "ou", "il", "er", "es", "ed", "en", "ez", "et", "ar", "as", "ad"}
    | {"an", "ur", "us"}
)
_CONNECTIVES = frozenset({"da", "de", "do", "dos", "das", "e", "du", "des"})


def _fold(s: str) -> str:
    """Accent-free, casefolded text with only letters and single spaces."""
    decomposed = unicodedata.normalize("NFKD", s or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _PRENASAL_APOSTROPHE.sub(r"\1", plain)  # N'Djamena, M'Bodou
    return " ".join(_NOT_LETTER.sub(" ", plain).split())


def _join_particles(tokens: Sequence[str]) -> list[str]:
    """Glue Arabic ``abd``/``abdel`` + optional article + name into one token."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in _ABD_HEADS and i + 1 < len(tokens):
            j = i + 1
            if tokens[j] in _ARTICLES and j + 1 < len(tokens):
                tok, j = tok + tokens[j], j + 1
            tok, i = tok + tokens[j], j + 1
        else:
            i += 1
        out.append(tok)
    return out


@lru_cache(maxsize=20_000)
def normalize_name(s: str) -> str:
    """Lowercase, accent-free name; separators become spaces, ``Abd el X`` becomes ``abdelx``."""
    return " ".join(_join_particles(_fold(s).split()))


def name_tokens(s: str) -> list[str]:
    """Normalised tokens without connectives (da, dos, e...) and single-letter initials."""
    return list(_name_tokens(s))


@lru_cache(maxsize=20_000)
def _name_tokens(s: str) -> tuple[str, ...]:
    tokens = normalize_name(s).split()
    kept = [t for t in tokens if len(t) > 1 and t not in _CONNECTIVES]
    return tuple(kept or tokens)


# --------------------------------------------------------------------------------------------
# Canonical (spelling-tolerant) token
# --------------------------------------------------------------------------------------------

_VOWELS = "aeiou"
_DOUBLE = re.compile(r"(.)\1+")
_REWRITES: tuple[tuple[str, str], ...] = (
    (r"tch|tsh|sch|ch|sh", "x"),
    (r"dj", "j"),
    (r"ph", "f"),
    (r"th", "t"),
    (r"kh", "k"),
    (r"gh", "g"),
    (r"nh", "ni"),
    (r"lh", "li"),
    (r"ck|qu|q", "k"),
    (r"gu(?=[ei])", "g"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"ou|w", "u"),
    (r"y", "i"),
    (r"z$", "s"),
    (r"h", ""),
)
_COMPILED_REWRITES = tuple((re.compile(p), r) for p, r in _REWRITES)


def _strip_abd_article(tok: str) -> str:
    """``abdelkerim``/``abdoulkarim``/``abderrahmane`` -> ``abd`` + name without the article."""
    if not tok.startswith("abd") or len(tok) <= 5:
        return tok
    rest = tok[3:].lstrip(_VOWELS)
    if len(rest) > 1 and rest[0] == "l" and rest[1] not in _VOWELS:
        rest = rest[1:]
    return "abd" + rest if len(rest) >= 2 else tok


def _phonetic(tok: str) -> str:
    """Rule-based spelling skeleton of one normalised token."""
    tok = _strip_abd_article(_DOUBLE.sub(r"\1", tok))
    for pattern, repl in _COMPILED_REWRITES:
        tok = pattern.sub(repl, tok)
    tok = _DOUBLE.sub(r"\1", tok)
    if len(tok) > 3 and tok.endswith("e"):
        tok = tok[:-1]
    return tok


# Frequent names whose variants the rules above do not unify; the first spelling of each group
# is the canonical one. Hadja/Hadjé (a title, and a name of its own) is not Khadidja.
_NAME_GROUPS: tuple[str, ...] = (
    "mohamed mohammed muhammad muhammed mohamad mohammad mouhamad mouhammad mouhamed "
    "mouhammed mahamat mahammat mahamad mahamed mohamat mahammad mouhamat mohamet mahomed "
    "muhamad mht mhd mahamath",
    "ahmed ahmad ahmat ahamat ahmet ahamad ahamed ahmath",
    "mamadou mamadu mamado",
    "amadou ahmadou hamadou amadu ahmadu hamadu",
    "aboubakar abakar abubakar aboubacar boubacar abubakr aboubakr boubakar abubacar bubacar "
    "abbakar aboubakary",
    "ibrahim brahim ibrahima ibrahime ebrahim brahima braima iberahim",
    "haoua hawa awa hawaou",
    "adoum adam adum adamou",
    "oumar umar omar omer oumarou umaro omarou",
    "ousmane usman osmane osman othman outhman ousman usmane otman uthman ousmanou ansumane "
    "usumane",
    "zenaba zeinab zainab zeinaba zaynab zenab zeynab zeinabou djenabu djenabou jenabu",
    "khadidja kadidja khadija kadija hadidja kadidje khadidje",
    "fatime fatima fatouma fatimah fatuma fatma",
    "fatoumata fatumata fatimata fatoumatou",
    "achta acheta ashta achata",
    "halime halima alime alima",
    "hissein hussein houssein hussain husein housseine hissene hisseine husseini hossein houssene",
    "youssouf yusuf youssef yousouf yousif yussuf youcef yousuf",
    "souleymane suleiman souleyman sulaiman soulemane souleimane sulayman souleiman suleman "
    "soulaymane suleimane sulemane",
    "djibrine djibril jibril jibrin gibril djibrile jibrine djiberine",
    "abdallah abdoulaye abdullahi abdalla abdullah abdellah abdoulay abdala abdulai abdoulahi "
    "abdulahi",
    "abderahmane abderrahmane abdourahmane abdramane abdelrahman abderaman abdrahmane "
    "abdourahman abdurrahman abdoulrahmane",
    "abdelkerim abdelkarim abdoulkarim abdulkarim abdelkrim abdoulkerim abdoulkarime",
    "idriss idris driss idrissa",
    "yacoub yakoub yaqub yakub yacub yaqoub yacouba",
    "haroun harun aroun haroon",
    "saleh salah salih saley salé",
    "hamid hamit hamide",
    "mahmoud mahmud mahamoud mahmout mahmut",
    "aicha aisha ayesha aiche",
    "mariam maryam meriem mariame myriam",
    "ramadan ramadane ramadhan",
    "manuel manoel",
    "djalo jalo diallo djallo jallo dialo",
    "embalo mbalo",
    "indjai injai indjay",
    "kadiatou kadiatu khadiatou",
    "aissatou aissatu aissata",
)


def _build_equivalences() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in _NAME_GROUPS:
        variants = group.split()
        canonical = _phonetic(variants[0])
        for variant in variants:
            key = _phonetic(_fold(variant))
            if table.get(key, canonical) != canonical:
                raise ValueError(f"name variant {variant!r} belongs to two groups")
            table[key] = canonical
    return table


_EQUIVALENT = _build_equivalences()


@lru_cache(maxsize=50_000)
def canonical_token(tok: str) -> str:
    """Spelling-variant-tolerant form of one name token (deterministic)."""
    folded = "".join(_fold(tok).split())
    phonetic = _phonetic(folded)
    return _EQUIVALENT.get(phonetic, phonetic) or folded


def _consonant_skeleton(canon: str) -> str:
    return canon[0] + "".join(ch for ch in canon[1:] if ch not in _VOWELS)


# --------------------------------------------------------------------------------------------
# Phone and blocking keys
# --------------------------------------------------------------------------------------------

_PHONE_TAIL = 8


def phone_digits(s: str) -> str:
    """Comparable part of a phone number: its last 8 digits ("" when under 6 digits).

    "+235 66 12 34 56", "0023566123456" and "66 12 34 56" all give "66123456".
    """
    digits = "".join(ch for ch in s or "" if ch.isdigit())
    return digits[-_PHONE_TAIL:] if len(digits) >= 6 else ""


class _Token(NamedTuple):
    plain: str  # normalised spelling
    canon: str  # canonical_token(plain)


@lru_cache(maxsize=20_000)
def _tokens(s: str) -> tuple[_Token, ...]:
    return tuple(_Token(t, canonical_token(t)) for t in _name_tokens(s))


def match_keys(ident: Identity) -> set[str]:
    """Blocking keys: ``n:`` canonical token, ``s:`` its consonant skeleton, ``c:`` a given
    name with the first two letters of a family name and the other way round, ``d:`` exact
    birth date, ``p:`` last phone digits. Keys never exceed 40 characters.

    A common given name is shared by thousands of persons at a site; with the beginning of the
    family name it is shared by a few dozen, so the right person still stands out when the rest
    of the family name is misspelt (Fatoumata Saén / Fatumata Sané). Both directions, so that
    a swap of given and family names keeps them.
    """
    keys: set[str] = set()
    for text in (ident.given_name, ident.family_name, ident.other_names):
        for canon in (tok.canon for tok in _tokens(text) if tok.canon):
            keys.add(f"n:{canon}"[:40])
            skeleton = _consonant_skeleton(canon)
            if len(skeleton) >= 3:
                keys.add(f"s:{skeleton}"[:40])
    given = [tok.canon for tok in _tokens(ident.given_name) if tok.canon]
    family = [tok.canon for tok in _tokens(ident.family_name) if tok.canon]
    for a in given:
        for b in family:
            keys.add(f"c:{a}.{b[:2]}"[:40])
            keys.add(f"c:{b}.{a[:2]}"[:40])
    if ident.birth_date is not None and not ident.birth_date_estimated:
        keys.add(f"d:{ident.birth_date.isoformat()}")
    digits = phone_digits(ident.phone)
    if digits:
        keys.add(f"p:{digits}")
    return keys


def search_keys(text: str) -> set[str]:
    """The keys that find a name typed in a search box, whichever of its words are given names
    and which the family name: ``n:`` and ``s:`` of each word, and the compound ``c:`` key of
    each ordered pair of words (a stored person has both directions of each of theirs)."""
    canons = [tok.canon for tok in _tokens(text) if tok.canon]
    keys = match_keys(Identity(given_name=text))
    for i, a in enumerate(canons):
        for j, b in enumerate(canons):
            if i != j:
                keys.add(f"c:{a}.{b[:2]}"[:40])
    return keys


# --------------------------------------------------------------------------------------------
# Name evidence
# --------------------------------------------------------------------------------------------

# (similarity, log-odds weight) knots, linearly interpolated, for one name field.
_NAME_WEIGHT_KNOTS = (
    (0.0, -8.0),
    (0.70, -7.0),
    (0.80, -4.0),
    (0.86, -1.0),
    (0.90, 1.0),
    (0.95, 2.8),
    (1.0, 4.0),
)
_MISSING_FIELD_WEIGHT = -1.0
_MISSING_FIELD_SIMILARITY = 0.9
_OTHER_NAME_PENALTY = 0.4
_SWAP_PENALTY = 0.5
_EXTRA_TOKEN_PENALTY = 0.02
# Every name field at least this similar: the names are reported as similar.
_SIMILAR_NAMES = 0.88


def _interpolate(x: float, knots: Sequence[tuple[float, float]]) -> float:
    for (x0, y0), (x1, y1) in zip(knots, knots[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (max(x, x0) - x0) / (x1 - x0)
    return knots[-1][1]


# Similarity ceiling by edit distance: Jaro-Winkler over-rewards a shared beginning
# (Rosa/Rosalina, Moussa/Moustapha), while one typo is a single edit.
_EDIT_CEILINGS = {0: 1.0, 1: 1.0, 2: 0.86, 3: 0.8}
_FAR_CEILING = 0.72
# ...and Jaro-Winkler under-rates one typo in a short name (Maria/Msria: 0.88).
_SINGLE_EDIT_FLOOR = 0.9
_SINGLE_EDIT_MIN_LENGTH = 4


def _string_similarity(a: str, b: str) -> tuple[float, int]:
    return JaroWinkler.normalized_similarity(a, b), OSA.distance(a, b)


@lru_cache(maxsize=100_000)
def _spelling_similarity(a: _Token, b: _Token) -> float:
    """Similarity of two tokens, the better of their written and canonical spellings."""
    if a.canon == b.canon:
        return 1.0
    jw_plain, d_plain = _string_similarity(a.plain, b.plain)
    jw_canon, d_canon = _string_similarity(a.canon, b.canon)
    edits = min(d_plain, d_canon)
    similarity = min(max(jw_plain, jw_canon), _EDIT_CEILINGS.get(edits, _FAR_CEILING))
    if edits == 1 and min(len(a.plain), len(b.plain)) >= _SINGLE_EDIT_MIN_LENGTH:
        similarity = max(similarity, _SINGLE_EDIT_FLOOR)
    return similarity


def _joined(tokens: Sequence[_Token]) -> _Token:
    return _Token("".join(t.plain for t in tokens), "".join(t.canon for t in tokens))


def _coverage(short: Sequence[_Token], long_: Sequence[_Token]) -> float:
    """Mean best similarity of each token of ``short`` within ``long_``."""
    return sum(max(_spelling_similarity(s, t) for t in long_) for s in short) / len(short)


def _field_similarity(a: Sequence[_Token], b: Sequence[_Token]) -> float | None:
    """Similarity of two token lists: how well the shorter list is found in the longer one (a
    missing middle name costs little), or of the concatenations (names split or joined
    differently)."""
    if not a or not b:
        return None
    if len(a) == len(b):
        aligned = (_coverage(a, b) + _coverage(b, a)) / 2
    else:
        short, long_ = (a, b) if len(a) < len(b) else (b, a)
        aligned = _coverage(short, long_) - _EXTRA_TOKEN_PENALTY * (len(long_) - len(short))
    if len(a) == 1 and len(b) == 1:
        return aligned
    return max(aligned, _spelling_similarity(_joined(a), _joined(b)))


@dataclass(frozen=True)
class _Names:
    given: tuple[_Token, ...]
    family: tuple[_Token, ...]
    other: tuple[_Token, ...]


@dataclass(frozen=True)
class _FieldEvidence:
    weight: float
    similarity: float
    via_other: bool = False


@dataclass(frozen=True)
class _NameEvidence:
    weight: float
    weakest: float  # similarity of the least similar name field
    exact: bool
    swapped: bool
    via_other: bool


def _names_of(ident: Identity) -> _Names:
    return _Names(
        given=_tokens(ident.given_name),
        family=_tokens(ident.family_name),
        other=_tokens(ident.other_names),
    )


def _field_evidence(
    q_field: Sequence[_Token],
    c_field: Sequence[_Token],
    q_other: Sequence[_Token],
    c_other: Sequence[_Token],
) -> _FieldEvidence:
    """Evidence from one name field, letting either side's other names stand in for it."""
    direct = _field_similarity(q_field, c_field)
    alternatives = [
        s
        for s in (_field_similarity(q_field, c_other), _field_similarity(q_other, c_field))
        if s is not None
    ]
    alt = max(alternatives, default=None)
    if alt is not None and (direct is None or alt > direct + 0.01):
        weight = _interpolate(alt, _NAME_WEIGHT_KNOTS) - _OTHER_NAME_PENALTY
        return _FieldEvidence(weight, alt, via_other=True)
    if direct is None:
        return _FieldEvidence(_MISSING_FIELD_WEIGHT, _MISSING_FIELD_SIMILARITY)
    return _FieldEvidence(_interpolate(direct, _NAME_WEIGHT_KNOTS), direct)


def _aligned(
    q: _Names,
    c_given: Sequence[_Token],
    c_family: Sequence[_Token],
    c_other: Sequence[_Token],
    *,
    swapped: bool,
) -> _NameEvidence:
    given = _field_evidence(q.given, c_given, q.other, c_other)
    family = _field_evidence(q.family, c_family, q.other, c_other)
    weight = given.weight + family.weight - (_SWAP_PENALTY if swapped else 0.0)
    weakest = min(given.similarity, family.similarity)
    via_other = given.via_other or family.via_other
    exact = weakest >= 1.0 and not via_other
    return _NameEvidence(weight, weakest, exact, swapped, via_other)


@lru_cache(maxsize=50_000)
def _name_evidence(q: _Names, c: _Names) -> _NameEvidence:
    """(Cached: the persons a duplicate search scores often bear exactly the same names.)"""
    direct = _aligned(q, c.given, c.family, c.other, swapped=False)
    swapped = _aligned(q, c.family, c.given, c.other, swapped=True)
    return swapped if swapped.weight > direct.weight else direct


def _name_reasons(ev: _NameEvidence) -> list[str]:
    if ev.exact:
        return ["names_swapped", "same_names"] if ev.swapped else ["same_names"]
    if ev.weakest < _SIMILAR_NAMES:
        return []
    reasons = ["names_swapped"] if ev.swapped else []
    reasons.append("similar_names")
    if ev.via_other:
        reasons.append("other_name_match")
    return reasons


class SearchCloseness(NamedTuple):
    """How well a name typed in a search box fits a person's names."""

    exact: bool  # the same words as the given and family names, accents and order aside
    tolerant: float  # 0..1, the worst found of the typed words, spelling variants forgiven
    spelled: float  # 0..1, the same as written: Mohamed is closer to Mohamed than Mahamat is


def search_closeness(text: str, given_name: str, family_name: str, other_names: str = ""):
    """A typed name against a person's: a search lists the exact names first, then the names
    written most alike."""
    typed = _tokens(text)
    main = _tokens(given_name) + _tokens(family_name)
    names = main + _tokens(other_names)
    if not typed or not names:
        return SearchCloseness(False, 0.0, 0.0)
    exact = sorted(t.plain for t in typed) == sorted(t.plain for t in main)
    spelled = sum(
        max(JaroWinkler.normalized_similarity(a.plain, b.plain) for b in names) for a in typed
    ) / len(typed)
    tolerant = min(max(_spelling_similarity(a, b) for b in names) for a in typed)
    return SearchCloseness(exact, tolerant, spelled)


# --------------------------------------------------------------------------------------------
# Birth date, phone and sex evidence
# --------------------------------------------------------------------------------------------

_DAYS_PER_YEAR = 365.25


def _day_month_swapped(a: date, b: date) -> bool:
    return a.year == b.year and a.day == b.month and a.month == b.day


def _exact_dates_evidence(a: date, b: date) -> tuple[float, str | None]:
    years = abs((a - b).days) / _DAYS_PER_YEAR
    if years == 0:
        return 3.0, "same_birth_date"
    if _day_month_swapped(a, b) or years <= 0.1:
        return 1.5, "close_birth_date"
    if years <= 1.05:
        return 0.8, "close_birth_date"
    if years <= 2.05:
        return -1.5, None
    return -min(8.0, 2.0 + years), "birth_date_conflict"


def _estimate_tolerance_years(a: date, b: date, today: date) -> float:
    """Estimated ages agree within 3 years; older people's ages are guessed more loosely."""
    age = (today - min(a, b)).days / _DAYS_PER_YEAR
    return 5.0 if age >= 50 else 3.0


def _date_evidence(q: Identity, c: Identity, today: date) -> tuple[float, str | None]:
    if q.birth_date is None or c.birth_date is None:
        return 0.0, None
    if not q.birth_date_estimated and not c.birth_date_estimated:
        return _exact_dates_evidence(q.birth_date, c.birth_date)
    years = abs((q.birth_date - c.birth_date).days) / _DAYS_PER_YEAR
    tolerance = _estimate_tolerance_years(q.birth_date, c.birth_date, today)
    if years <= tolerance:
        return 0.5, "close_birth_date"
    return -min(8.0, 1.5 * (years - tolerance)), None


def _phone_evidence(q: Identity, c: Identity) -> tuple[float, str | None]:
    a, b = phone_digits(q.phone), phone_digits(c.phone)
    if not a or not b:
        return 0.0, None
    return (3.0, "same_phone") if a == b else (-0.5, None)


_BINARY_SEXES = frozenset({"female", "male"})
_KNOWN_SEXES = _BINARY_SEXES | {"other"}


def _sex_evidence(q: Identity, c: Identity) -> tuple[float, str | None]:
    a, b = (q.sex or "").strip().lower(), (c.sex or "").strip().lower()
    if a in _BINARY_SEXES and b in _BINARY_SEXES and a != b:
        return -6.0, "sex_conflict"
    if a in _KNOWN_SEXES and a == b:
        return 0.3, "same_sex"
    return 0.0, None


# --------------------------------------------------------------------------------------------
# Public scoring
# --------------------------------------------------------------------------------------------

_PRIOR = -4.0
# Household members share a phone, twins a birth date: such evidence confirms a name match but
# cannot make one. Its positive part counts fully only once every name field is this similar...
_FULL_SUPPORT_SIMILARITY = 0.92
# ...and not at all below this similarity.
_NO_SUPPORT_SIMILARITY = 0.80


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _support(names: _NameEvidence) -> float:
    """Share (0..1) of the positive non-name evidence that counts, given how well names agree."""
    span = _FULL_SUPPORT_SIMILARITY - _NO_SUPPORT_SIMILARITY
    return min(1.0, max(0.0, (names.weakest - _NO_SUPPORT_SIMILARITY) / span))


def compare(query: Identity, candidate: Identity, *, today: date) -> MatchResult:
    """How likely ``candidate`` is the same person as ``query``: a score in 0..1 and reason codes
    (from ``REASONS``). ``today`` sets how loosely estimated birth dates are compared."""
    names = _name_evidence(_names_of(query), _names_of(candidate))
    reasons = _name_reasons(names)
    logit = _PRIOR + names.weight
    support = _support(names)
    for weight, reason in (
        _phone_evidence(query, candidate),
        _date_evidence(query, candidate, today),
        _sex_evidence(query, candidate),
    ):
        logit += weight * support if weight > 0 else weight
        if reason:
            reasons.append(reason)
    return MatchResult(score=round(_logistic(logit), 4), reasons=reasons)


def rank[K](
    query: Identity,
    candidates: Iterable[tuple[K, Identity]],
    *,
    today: date,
    threshold: float = MATCH_THRESHOLD,
    limit: int = 10,
) -> list[tuple[K, MatchResult]]:
    """Candidates scoring at least ``threshold``, best first, at most ``limit`` of them."""
    scored = [(key, compare(query, ident, today=today)) for key, ident in candidates]
    kept = [item for item in scored if item[1].score >= threshold]
    kept.sort(key=lambda item: item[1].score, reverse=True)
    return kept[:limit]
