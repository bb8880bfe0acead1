"""DHIS2 data value sets from the results, mapped by configuration (`Dhis2DataElement`,
`Dhis2OrgUnit`, edited in the admin).

For a period and a country, every mapped figure (an indicator's total, or one combination of
its dimension values) is computed for each mapped org unit — the country's, and each of its
sites' — with small counts suppressed, as in every export. The body is DHIS2's own
(`{"dataValues": [{"dataElement", "period", "orgUnit", "categoryOptionCombo", "value"}, …]}`,
`attributeOptionCombo` where the mapping has one, values as text); what could not be sent is
listed apart (`Dhis2Set.unmapped`, `Dhis2Set.suppressed`), since DHIS2 takes no other field in
the body: the API puts those in response headers.

The logframe's indicators entered by hand (`LogframeIndicator` with no computed indicator) are
sent too when a mapping names their code (their total only: they have no dimensions): the
current value entered for exactly the period, at the country's level and at each mapped site's
(a corrected value is replaced by its correction). A count of persons from 1 to the threshold
is suppressed like a computed one. A hand-entered indicator with a value for the period but no
mapping is listed in `unmapped`.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orienta.core.models import Country
from orienta.lib import indicators
from orienta.lib.indicators import Period, Scope
from orienta.reporting import engine
from orienta.reporting.exports import threshold
from orienta.reporting.models import Dhis2DataElement, Dhis2OrgUnit, HandValue, LogframeIndicator


@dataclass
class Dhis2Set:
    data_values: list[dict[str, str]] = field(default_factory=list)
    # What has no mapping: "indicator:CODE", "site:TD-MOU1", "country:TD".
    unmapped: list[str] = field(default_factory=list)
    # Mapped figures left out because they are suppressed: "CODE[sex=female]@TD-NDJ1".
    suppressed: list[str] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        return {"dataValues": self.data_values}


def _text(value: int | Decimal) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _org_units(country: Country, out: Dhis2Set) -> list[tuple[str, Scope, str]]:
    """(org unit UID, scope, label) of the country and its sites that are mapped; the others
    go to `out.unmapped`."""
    mapped = {
        (row.site.code if row.site else None): row.org_unit
        for row in Dhis2OrgUnit.objects.filter(
            country=country, deleted_at__isnull=True
        ).select_related("site")
    }
    units = []
    if None in mapped:
        units.append((mapped[None], Scope(country=country.code, site=None), country.code))
    else:
        out.unmapped.append(f"country:{country.code}")
    for site in country.sites.filter(deleted_at__isnull=True).order_by("code"):
        if site.code in mapped:
            units.append(
                (mapped[site.code], Scope(country=country.code, site=site.code), site.code)
            )
        else:
            out.unmapped.append(f"site:{site.code}")
    return units


def data_value_set(period: Period, country: Country) -> Dhis2Set:
    out = Dhis2Set()
    mappings = list(Dhis2DataElement.objects.filter(deleted_at__isnull=True))
    known = {i.code for i in indicators.all_indicators()}
    mapped_codes = {m.indicator_code for m in mappings}
    out.unmapped.extend(f"indicator:{code}" for code in sorted(known - mapped_codes))
    units = _org_units(country, out)
    _hand_entered(period, country, units, mappings, known, out)
    tables: dict[tuple[str, tuple[str, ...], Scope], Any] = {}
    for mapping in mappings:
        if mapping.indicator_code not in known:
            continue
        key = mapping.key()
        by = tuple(sorted(key))
        for org_unit, scope, label in units:
            index = (mapping.indicator_code, by, scope)
            if index not in tables:
                tables[index] = engine.values(
                    mapping.indicator_code,
                    period,
                    scope,
                    by=by,
                    suppress=True,
                    threshold=threshold(),
                )
            value, suppressed = _figure(tables[index], key)
            if suppressed:
                out.suppressed.append(f"{mapping.indicator_code}[{mapping.dimensions}]@{label}")
                continue
            if value is None:
                continue
            item = {
                "dataElement": mapping.data_element,
                "period": period.dhis2,
                "orgUnit": org_unit,
                "categoryOptionCombo": mapping.category_option_combo,
                "value": _text(value),
            }
            if mapping.attribute_option_combo:
                item["attributeOptionCombo"] = mapping.attribute_option_combo
            out.data_values.append(item)
    return out


def _figure(table: Any, key: dict[str, str]) -> tuple[int | Decimal | None, bool]:
    """The table's total (no key) or the value of the cell with these dimension values; a
    combination with no cell has no record behind it, and is not sent (DHIS2 reads a missing
    value as no data)."""
    if not key:
        return table.total, bool(table.total_suppressed)
    for cell in table.cells:
        if {k: str(v) for k, v in cell.key.items()} == key:
            return cell.value, bool(cell.suppressed)
    return None, False


def _hand_entered(
    period: Period,
    country: Country,
    units: list[tuple[str, Scope, str]],
    mappings: list[Dhis2DataElement],
    computed: set[str],
    out: Dhis2Set,
) -> None:
    """The values entered by hand for the period (see the module's doc)."""
    hand = {
        i.code: i
        for i in LogframeIndicator.objects.filter(indicator_code="", deleted_at__isnull=True)
        if i.code not in computed
    }
    current = {
        (row.indicator_id, row.site.code if row.site else None): row
        for row in HandValue.objects.filter(
            indicator__in=hand.values(),
            period=period.code,
            country=country,
            corrected_by__isnull=True,
            deleted_at__isnull=True,
        )
        .select_related("site")
        .order_by("created_at")  # the latest of two current rows wins (never expected)
    }
    mapped = {m.indicator_code for m in mappings if not m.key()}
    valued = {pk for pk, _site in current}
    out.unmapped.extend(
        f"indicator:{code}"
        for code, indicator in sorted(hand.items())
        if code not in mapped and indicator.pk in valued
    )
    limit = threshold()
    for mapping in mappings:
        indicator = hand.get(mapping.indicator_code)
        if indicator is None or mapping.key():
            continue
        for org_unit, scope, label in units:
            row = current.get((indicator.pk, scope.site))
            if row is None:
                continue
            if indicator.unit == "persons" and 0 < row.value < limit:
                out.suppressed.append(f"{mapping.indicator_code}[]@{label}")
                continue
            item = {
                "dataElement": mapping.data_element,
                "period": period.dhis2,
                "orgUnit": org_unit,
                "categoryOptionCombo": mapping.category_option_combo,
                "value": _text(row.value),
            }
            if mapping.attribute_option_combo:
                item["attributeOptionCombo"] = mapping.attribute_option_combo
            out.data_values.append(item)
