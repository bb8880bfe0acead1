"""An instrument's definition, checked, and the two scoring rules (no database here).

A definition is the JSON an instrument version keeps, never changed once saved:

    {"rule": "weighted" | "counting", "k": 0.4,
     "cutoffs": {"moderate": 25, "high": 50, "very_high": 75},
     "amber_from": 34, "red_from": 67,
     "dimensions": [{"code": "food", "label": {"fr": "…", "pt": "…", "en": "…"}, "weight": 2,
        "indicators": [{"code": "meals", "label": {…}, "weight": 1, "deprived_from": 50,
           "options": [{"code": "three", "label": {…}, "score": 0}, …]}]}]}

Every option scores from 0 (no difficulty) to 100 (the worst situation). Weights are positive
and relative: an indicator's weight counts within its dimension, a dimension's among dimensions.

- **Weighted score**: a dimension's score is the weighted mean of its indicators' option scores;
  the household's score is the weighted mean of its dimensions' scores (0–100).
- **Counting (Alkire-Foster)**: the household is deprived on an indicator when the chosen
  option scores at least the indicator's `deprived_from`. Each indicator's share of the whole
  is its dimension's share times its own share within the dimension; the household's score is
  100 × the weighted share of the indicators it is deprived on. A household whose share is
  below `k` is not counted as multidimensionally vulnerable (the rule's "censoring"): its
  category is the lowest whatever the cut-offs. A dimension's score is the weighted share of
  its own indicators the household is deprived on.

The category is the highest whose cut-off the score reaches ("low" below every cut-off). Each
dimension shows green below `amber_from`, amber below `red_from`, red from there.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

WEIGHTED = "weighted"
COUNTING = "counting"
RULES = (WEIGHTED, COUNTING)
# The categories, from the least to the most vulnerable; "low" needs no cut-off.
CATEGORIES = ("low", "moderate", "high", "very_high")
GREEN, AMBER, RED = "green", "amber", "red"
DEFAULT_AMBER_FROM = 34
DEFAULT_RED_FROM = 67
MAX_DIMENSIONS = 12
MAX_INDICATORS = 20
MAX_OPTIONS = 8


class DefinitionError(ValueError):
    """The definition is not a usable instrument; the message says where and why."""


def label_of(labels: Mapping[str, str] | str, code: str = "") -> str:
    """A label in the current language, else French, Portuguese, English, else the code."""
    if isinstance(labels, str):
        return labels or code
    lang = (get_language() or "fr")[:2]
    for key in (lang, "fr", "pt", "en"):
        if labels.get(key):
            return str(labels[key])
    return code


@dataclass(frozen=True)
class Option:
    code: str
    label: Mapping[str, str]
    score: int

    @property
    def name(self) -> str:
        return label_of(self.label, self.code)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Mapping[str, str]
    weight: Fraction
    deprived_from: int
    options: tuple[Option, ...]

    @property
    def name(self) -> str:
        return label_of(self.label, self.code)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Dimension:
    code: str
    label: Mapping[str, str]
    weight: Fraction
    indicators: tuple[Indicator, ...]

    @property
    def name(self) -> str:
        return label_of(self.label, self.code)


@dataclass(frozen=True)
class Definition:
    rule: str
    k: Fraction
    cutoffs: tuple[tuple[str, int], ...]  # (category, lowest score), ascending
    amber_from: int
    red_from: int
    dimensions: tuple[Dimension, ...]

    def indicators(self) -> list[tuple[Dimension, Indicator]]:
        return [(d, i) for d in self.dimensions for i in d.indicators]


@dataclass(frozen=True)
class DimensionResult:
    code: str
    score: Decimal
    level: str
    deprived: tuple[str, ...]  # the indicators deprived (counting rule), else ()


@dataclass(frozen=True)
class Result:
    score: Decimal
    category: str
    dimensions: tuple[DimensionResult, ...]

    def dimensions_json(self) -> dict[str, dict[str, Any]]:
        return {
            d.code: {"score": str(d.score), "level": d.level, "deprived": list(d.deprived)}
            for d in self.dimensions
        }


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
        return {"fr": label[:200]}
    if not isinstance(label, dict):
        return {}
    return {str(k)[:2]: str(v)[:200] for k, v in label.items() if str(k)[:2] in ("fr", "pt", "en")}


def _number(
    raw: Mapping[str, Any], key: str, where: str, *, default: Any, low: float, high: float
) -> Fraction:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(where, _("“%(key)s” must be a number.") % {"key": key})
    try:
        number = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise _fail(where, _("“%(key)s” must be a number.") % {"key": key}) from None
    if not low <= number <= high:
        raise _fail(
            where,
            _("“%(key)s” must be between %(low)s and %(high)s.")
            % {"key": key, "low": low, "high": high},
        )
    return number


def _unique(codes: list[str], where: str) -> None:
    if len(set(codes)) != len(codes):
        raise _fail(where, _("each code may appear only once."))


def _options(raw: Any, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
        raise _fail(where, _("an indicator needs 2 to %(n)s answer options.") % {"n": MAX_OPTIONS})
    options = []
    for n, item in enumerate(raw, 1):
        spot = f"{where} › {n}"
        if not isinstance(item, dict):
            raise _fail(spot, _("an option must be an object."))
        score = _number(item, "score", spot, default=None, low=0, high=100)
        if score.denominator != 1:
            raise _fail(spot, _("a score is a whole number from 0 to 100."))
        options.append(Option(_code(item, spot), _label(item), int(score)))
    _unique([o.code for o in options], where)
    return tuple(options)


def _indicators(raw: Any, where: str) -> tuple[Indicator, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_INDICATORS:
        raise _fail(where, _("a dimension needs 1 to %(n)s indicators.") % {"n": MAX_INDICATORS})
    found = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise _fail(f"{where} › {n}", _("an indicator must be an object."))
        code = _code(item, f"{where} › {n}")
        spot = f"{where} › {code}"
        found.append(
            Indicator(
                code=code,
                label=_label(item),
                weight=_number(item, "weight", spot, default=1, low=0.01, high=1000),
                deprived_from=int(
                    _number(item, "deprived_from", spot, default=50, low=0, high=100)
                ),
                options=_options(item.get("options"), spot),
            )
        )
    return tuple(found)


def _cutoffs(raw: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(raw, dict) or set(raw) - set(CATEGORIES[1:]):
        raise _fail("cutoffs", _("the cut-offs are given for moderate, high and very_high."))
    found: list[tuple[str, int]] = [("low", 0)]
    for category in CATEGORIES[1:]:
        if category in raw:
            value = int(_number(raw, category, "cutoffs", default=None, low=1, high=100))
            if value <= found[-1][1]:
                raise _fail("cutoffs", _("each cut-off must be higher than the one before."))
            found.append((category, value))
    return tuple(found)


def parse(raw: Any) -> Definition:
    """The definition, checked; DefinitionError with a translated message otherwise."""
    if not isinstance(raw, dict):
        raise _fail("", _("The definition must be a JSON object."))
    rule = raw.get("rule")
    if rule not in RULES:
        raise _fail("rule", _("the rule is “weighted” or “counting”."))
    dims = raw.get("dimensions")
    if not isinstance(dims, list) or not 1 <= len(dims) <= MAX_DIMENSIONS:
        raise _fail(
            "dimensions", _("an instrument needs 1 to %(n)s dimensions.") % {"n": MAX_DIMENSIONS}
        )
    dimensions = []
    for n, item in enumerate(dims, 1):
        if not isinstance(item, dict):
            raise _fail(f"dimensions › {n}", _("a dimension must be an object."))
        code = _code(item, f"dimensions › {n}")
        dimensions.append(
            Dimension(
                code=code,
                label=_label(item),
                weight=_number(item, "weight", code, default=1, low=0.01, high=1000),
                indicators=_indicators(item.get("indicators"), code),
            )
        )
    _unique([d.code for d in dimensions], "dimensions")
    _unique([i.code for d in dimensions for i in d.indicators], "indicators")
    amber = int(_number(raw, "amber_from", "", default=DEFAULT_AMBER_FROM, low=1, high=100))
    red = int(_number(raw, "red_from", "", default=DEFAULT_RED_FROM, low=1, high=100))
    if red <= amber:
        raise _fail("red_from", _("red must start above amber."))
    return Definition(
        rule=rule,
        k=_number(raw, "k", "k", default="0.33", low=0.01, high=1),
        cutoffs=_cutoffs(raw.get("cutoffs", {})),
        amber_from=amber,
        red_from=red,
        dimensions=tuple(dimensions),
    )


# Scoring
# =============================================================================================


def _round(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def missing_answers(definition: Definition, answers: Mapping[str, str]) -> list[str]:
    """The indicators without a valid option among `answers`."""
    return [
        i.code
        for _d, i in definition.indicators()
        if i.option(str(answers.get(i.code, ""))) is None
    ]


def _level(definition: Definition, score: Decimal) -> str:
    if score >= definition.red_from:
        return RED
    return AMBER if score >= definition.amber_from else GREEN


def _category(definition: Definition, score: Decimal) -> str:
    found = "low"
    for category, lowest in definition.cutoffs:
        if score >= lowest:
            found = category
    return found


def _answer(indicator: Indicator, answers: Mapping[str, str]) -> Option:
    option = indicator.option(str(answers.get(indicator.code, "")))
    if option is None:
        raise DefinitionError(_("No valid answer for “%(code)s”.") % {"code": indicator.code})
    return option


def score(definition: Definition, answers: Mapping[str, str]) -> Result:
    """The household's result for `answers` ({indicator code: option code}, every indicator
    answered)."""
    total_weight = sum((d.weight for d in definition.dimensions), Fraction(0))
    overall = Fraction(0)
    results = []
    for dim in definition.dimensions:
        dim_weight = sum((i.weight for i in dim.indicators), Fraction(0))
        chosen = [(i, _answer(i, answers)) for i in dim.indicators]
        deprived = tuple(i.code for i, o in chosen if o.score >= i.deprived_from)
        if definition.rule == WEIGHTED:
            value = sum((i.weight * o.score for i, o in chosen), Fraction(0)) / dim_weight
        else:
            value = (
                100
                * sum((i.weight for i, _o in chosen if i.code in deprived), Fraction(0))
                / dim_weight
            )
        overall += dim.weight * value / total_weight
        rounded = _round(value)
        results.append(
            DimensionResult(
                dim.code,
                rounded,
                _level(definition, rounded),
                deprived if definition.rule == COUNTING else (),
            )
        )
    household = _round(overall)
    if definition.rule == COUNTING and overall < 100 * definition.k:
        category = CATEGORIES[0]
    else:
        category = _category(definition, household)
    return Result(household, category, tuple(results))
