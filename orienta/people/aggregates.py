"""The person's dimensions of the results (sex, age band, disability, migration status) as
database expressions, so that counts are made by the database over a national registry.

Attributes are read as recorded at the reporting date: the age on the period's last day, the
Washington Group answers and migration status as they stand. An erased person keeps these
fields (see `people.rights.person_erase`), so they are still counted.
"""

import operator
from collections.abc import Iterable
from datetime import date
from functools import reduce
from typing import Any

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orienta.lib.indicators import (
    AGE_BAND,
    DISABILITY,
    MIGRATION_STATUS,
    SEX,
    UNKNOWN,
    AgeBands,
    Dimension,
    Record,
    register_dimension,
)
from orienta.people.models import WG_QUESTIONS, DisabilityStatus, MigrationStatus, Sex, WGAnswer


def age_band_expression(field: str, on: date, bands: AgeBands) -> Case:
    """The age band on `on` of a date of birth `field`; "unknown" without one."""
    whens = [When(**{f"{field}__isnull": True}, then=Value(UNKNOWN))]
    whens += [
        When(**{f"{field}__lte": cutoff}, then=Value(code)) for cutoff, code in bands.cutoffs(on)
    ]
    return Case(*whens, default=Value(bands.codes()[0]))


def disability_expression(prefix: str) -> Case:
    """Washington Group cut-off: "a lot of difficulty" or worse in any domain is a disability;
    the same codes as `Person.disability_status`."""
    fields = [f"{prefix}{name}" for name, _label in WG_QUESTIONS]

    def any_of(lookup: str, value: int) -> Q:
        return _any(Q(**{f"{f}__{lookup}": value}) for f in fields)

    return Case(
        When(any_of("gte", WGAnswer.A_LOT), then=Value(DisabilityStatus.DISABILITY.value)),
        When(any_of("exact", WGAnswer.SOME_DIFFICULTY), then=Value(DisabilityStatus.SOME.value)),
        When(any_of("exact", WGAnswer.NO_DIFFICULTY), then=Value(DisabilityStatus.NONE.value)),
        default=Value(DisabilityStatus.UNKNOWN.value),
    )


def _any(conditions: Iterable[Q]) -> Q:
    return reduce(operator.or_, conditions)


def person_expressions(prefix: str, on: date, bands: AgeBands) -> dict[str, Combinable]:
    """sex, age_band, disability, migration_status of the person reached through `prefix`
    ("person__" from a visit, "" on Person)."""
    return {
        SEX: F(f"{prefix}sex"),
        AGE_BAND: age_band_expression(f"{prefix}birth_date", on, bands),
        DISABILITY: disability_expression(prefix),
        MIGRATION_STATUS: F(f"{prefix}migration_status"),
    }


def person_records(qs: QuerySet[Any], limit: int, prefix: str = "person__") -> list[Record]:
    """The distinct persons of the records `qs` (through `prefix`), by code, at most `limit`:
    what a coordinator opens behind a figure."""
    pairs = qs.values_list(f"{prefix}code", f"{prefix}id").order_by(f"{prefix}code").distinct()
    return [Record(code, reverse("frontdesk:person", args=[pk])) for code, pk in pairs[:limit]]


def register_dimensions() -> None:
    register_dimension(Dimension(SEX, _("sex"), lambda: Sex.choices))
    register_dimension(Dimension(DISABILITY, _("disability"), lambda: DisabilityStatus.choices))
    register_dimension(
        Dimension(
            MIGRATION_STATUS,
            _("migration status"),
            lambda: [*MigrationStatus.choices, (UNKNOWN, _("Unknown"))],
        )
    )
    register_dimension(Dimension(AGE_BAND, _("age band")))
