"""The organisational capacity assessment (OCA) tool's definition, checked, and its scoring (no
database here).

A tool version keeps its definition as JSON, never changed once saved:

    {"label": {"fr": "…", "pt": "…", "en": "…"},
     "stages": [{"code": "nascent", "label": {"fr": "…", "pt": "…", "en": "…"}, "from": 1},
                {"code": "emerging", "label": {…}, "from": 1.75}, …],
     "areas": [{"code": "governance", "label": {…},
                "statements": [{"code": "gov_board", "label": {…}}, …]}, …]}

Each statement is scored 1 to 4 by consensus of the organisation's team (1: not in place,
4: fully in place), with a justification and the evidence seen; the participants' individual
scores may be kept too, and the consensus must lie between the lowest and the highest of them.

- An area's average is the mean of its statements' consensus scores.
- An area's development stage is the last stage whose `from` the (exact) average reaches; the
  first stage starts at 1, so every average has a stage.
- The organisation's overall average is the mean of its areas' averages (each area weighs the
  same, however many statements it has), and its stage is read from the same cut-offs.

Averages are shown rounded to two decimals (half up); stages are read from the exact values.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

LOWEST, HIGHEST = 1, 4
SCORES = tuple(range(LOWEST, HIGHEST + 1))
MAX_AREAS = 12
MAX_STATEMENTS = 20
MAX_STAGES = 6
MAX_PARTICIPANTS = 30
MAX_TEXT = 1000


class DefinitionError(ValueError):
    """The definition is not a usable tool; the message says where and why."""


class ScoresError(ValueError):
    """The scores given do not fit the tool; the message says which and why."""


def label_of(labels: Mapping[str, str], code: str = "") -> str:
    """A label in the current language, else French, Portuguese, English, else the code."""
    lang = (get_language() or "fr")[:2]
    for key in (lang, "fr", "pt", "en"):
        if labels.get(key):
            return str(labels[key])
    return code


@dataclass(frozen=True)
class Stage:
    code: str
    label: Mapping[str, str]
    start: Fraction

    @property
    def name(self) -> str:
        return label_of(self.label, self.code)


@dataclass(frozen=True)
class Statement:
    code: str
    label: Mapping[str, str]

    @property
    def name(self) -> str:
        return label_of(self.label, self.code)


@dataclass(frozen=True)
class Area:
    code: str
    label: Mapping[str, str]
    statements: tuple[Statement, ...]

    @property
    def name(self) -> str:
        return label_of(self.label, self.code)


@dataclass(frozen=True)
class Definition:
    stages: tuple[Stage, ...]
    areas: tuple[Area, ...]
    label: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The tool's name in the current language ("" when the definition gives none)."""
        return label_of(self.label)

    def statements(self) -> list[tuple[Area, Statement]]:
        return [(a, s) for a in self.areas for s in a.statements]

    def area(self, code: str) -> Area | None:
        return next((a for a in self.areas if a.code == code), None)

    def stage(self, code: str) -> Stage | None:
        return next((s for s in self.stages if s.code == code), None)

    def stage_rank(self, code: str) -> int:
        """1 for the first stage, 2 for the next…; 0 for a code the tool does not have."""
        return next((n for n, s in enumerate(self.stages, 1) if s.code == code), 0)


@dataclass(frozen=True)
class Scored:
    """One statement's consensus score, its justification and evidence, and the participants'
    own scores when they were kept."""

    score: int
    justification: str = ""
    evidence: str = ""
    individual: tuple[int, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "justification": self.justification,
            "evidence": self.evidence,
            "individual": list(self.individual),
        }


@dataclass(frozen=True)
class AreaResult:
    code: str
    average: Decimal
    stage: str


@dataclass(frozen=True)
class Result:
    average: Decimal
    stage: str
    areas: tuple[AreaResult, ...]

    def areas_json(self) -> dict[str, dict[str, str]]:
        return {a.code: {"average": str(a.average), "stage": a.stage} for a in self.areas}


# Reading a definition
# =============================================================================================


def _fail(where: str, message: str) -> DefinitionError:
    return DefinitionError(f"{where}: {message}" if where else message)


def _code(raw: Mapping[str, Any], where: str) -> str:
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        raise _fail(where, _("a code of 1 to 40 characters is needed."))
    return code.strip()


def _label(raw: Mapping[str, Any]) -> Mapping[str, str]:
    label = raw.get("label", {})
    if isinstance(label, str):
        return {"fr": label[:300]}
    if not isinstance(label, dict):
        return {}
    return {str(k)[:2]: str(v)[:300] for k, v in label.items() if str(k)[:2] in ("fr", "pt", "en")}


def _unique(codes: list[str], where: str) -> None:
    if len(set(codes)) != len(codes):
        raise _fail(where, _("each code may appear only once."))


def _start(raw: Mapping[str, Any], where: str) -> Fraction:
    value = raw.get("from")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(where, _("“from” must be a number from 1 to 4."))
    try:
        number = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise _fail(where, _("“from” must be a number from 1 to 4.")) from None
    if not LOWEST <= number <= HIGHEST:
        raise _fail(where, _("“from” must be a number from 1 to 4."))
    return number


def _stages(raw: Any) -> tuple[Stage, ...]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_STAGES:
        raise _fail("stages", _("a tool needs 2 to %(n)s stages.") % {"n": MAX_STAGES})
    stages: list[Stage] = []
    for n, item in enumerate(raw, 1):
        where = f"stages › {n}"
        if not isinstance(item, dict):
            raise _fail(where, _("a stage must be an object."))
        stage = Stage(_code(item, where), _label(item), _start(item, where))
        if not stages and stage.start != LOWEST:
            raise _fail(where, _("the first stage starts at 1."))
        if stages and stage.start <= stages[-1].start:
            raise _fail(where, _("each stage must start above the one before."))
        stages.append(stage)
    _unique([s.code for s in stages], "stages")
    return tuple(stages)


def _statements(raw: Any, where: str) -> tuple[Statement, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_STATEMENTS:
        raise _fail(where, _("an area needs 1 to %(n)s statements.") % {"n": MAX_STATEMENTS})
    found = []
    for n, item in enumerate(raw, 1):
        spot = f"{where} › {n}"
        if not isinstance(item, dict):
            raise _fail(spot, _("a statement must be an object."))
        found.append(Statement(_code(item, spot), _label(item)))
    return tuple(found)


def parse(raw: Any) -> Definition:
    """The definition, checked; DefinitionError with a translated message otherwise."""
    if not isinstance(raw, dict):
        raise _fail("", _("The definition must be a JSON object."))
    items = raw.get("areas")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_AREAS:
        raise _fail("areas", _("a tool needs 1 to %(n)s areas.") % {"n": MAX_AREAS})
    areas = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise _fail(f"areas › {n}", _("an area must be an object."))
        code = _code(item, f"areas › {n}")
        areas.append(Area(code, _label(item), _statements(item.get("statements"), code)))
    _unique([a.code for a in areas], "areas")
    _unique([s.code for a in areas for s in a.statements], "statements")
    return Definition(stages=_stages(raw.get("stages")), areas=tuple(areas), label=_label(raw))


# Scoring
# =============================================================================================


def rounded(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def stage_of(definition: Definition, average: Fraction) -> str:
    """The last stage whose start the average reaches."""
    found = definition.stages[0].code
    for stage in definition.stages:
        if average >= stage.start:
            found = stage.code
    return found


def _score(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number in SCORES else None


def _text(value: Any) -> str:
    return str(value or "").strip()[:MAX_TEXT]


def _one(code: str, raw: Any) -> Scored:
    if not isinstance(raw, dict):
        raw = {"score": raw}
    score = _score(raw.get("score"))
    if score is None:
        raise ScoresError(_("“%(code)s”: a score is 1, 2, 3 or 4.") % {"code": code})
    given = raw.get("individual") or []
    if not isinstance(given, list | tuple) or len(given) > MAX_PARTICIPANTS:
        raise ScoresError(
            _("“%(code)s”: give at most %(n)s participants' scores.")
            % {"code": code, "n": MAX_PARTICIPANTS}
        )
    individual = tuple(_score(v) for v in given)
    if any(v is None for v in individual):
        raise ScoresError(
            _("“%(code)s”: each participant's score is 1, 2, 3 or 4.") % {"code": code}
        )
    own = tuple(v for v in individual if v is not None)
    if own and not min(own) <= score <= max(own):
        raise ScoresError(
            _(
                "“%(code)s”: the consensus score must lie between the lowest and the highest "
                "of the participants' scores."
            )
            % {"code": code}
        )
    return Scored(score, _text(raw.get("justification")), _text(raw.get("evidence")), own)


def checked_scores(definition: Definition, raw: Any) -> dict[str, Scored]:
    """Every statement's score, checked: ScoresError naming what is missing or wrong."""
    if not isinstance(raw, dict):
        raise ScoresError(_("The scores must be given per statement."))
    known = {s.code for _a, s in definition.statements()}
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        raise ScoresError(
            _("Not statements of this tool: %(codes)s.") % {"codes": ", ".join(unknown[:10])}
        )
    missing = [s.code for _a, s in definition.statements() if s.code not in raw]
    if missing:
        raise ScoresError(
            _("Score every statement; missing: %(codes)s.") % {"codes": ", ".join(missing[:10])}
        )
    return {code: _one(code, raw[code]) for code in (s.code for _a, s in definition.statements())}


def score(definition: Definition, scores: Mapping[str, Scored]) -> Result:
    """Area averages, their stages, and the overall average and stage."""
    areas = []
    total = Fraction(0)
    for area in definition.areas:
        values = [scores[s.code].score for s in area.statements]
        average = Fraction(sum(values), len(values))
        total += average
        areas.append(AreaResult(area.code, rounded(average), stage_of(definition, average)))
    overall = total / len(definition.areas)
    return Result(rounded(overall), stage_of(definition, overall), tuple(areas))
