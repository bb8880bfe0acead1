"""The assessments as a spreadsheet for analysis: one row per assessment, every answer and
result. Names and household codes only for an exporter who works with the families (the site's
manager); never the notes. Every cell goes through the formula-safe writer."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from orienta.core.scoping import site_filter
from orienta.core.types import AnyUser
from orienta.families import scoring
from orienta.families.access import exports_assessments
from orienta.families.models import Assessment
from orienta.families.queries import heads
from orienta.lib.tabular import Sheet
from orienta.people.models import HouseholdMember

MAX_ROWS = 5000


def exportable(user: AnyUser) -> QuerySet[Assessment]:
    if not exports_assessments(user):
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(site_filter(user, "site__"), deleted_at__isnull=True)
        .select_related("site", "instrument", "household")
        .order_by("site__code", "assessed_on", "pk")
    )


def _sizes(household_ids: list[UUID]) -> dict[UUID, int]:
    rows = (
        HouseholdMember.objects.filter(household_id__in=household_ids)
        .values("household_id")
        .annotate(n=Count("pk", filter=Q(left_on__isnull=True)))
        .order_by()
    )
    return {row["household_id"]: row["n"] for row in rows}


def assessments_xlsx(rows: Iterable[Assessment], *, names: bool) -> bytes:
    rows = list(rows)
    ids = list({a.household_id for a in rows})
    head_of, size_of = heads(ids), _sizes(ids)
    codes = sorted({i.code for a in rows for i in _indicator_codes(a)})
    dims = sorted({code for a in rows for code in a.dimensions})
    sheet = Sheet(_("Assessments"))
    title = [_("Site"), _("Date"), _("Instrument"), _("Version")]
    if names:
        title += [_("Household"), _("Head of household")]
    title += [_("Sex of the head"), _("Household size"), _("Score"), _("Category")]
    sheet.append(title + [f"{d} (score)" for d in dims] + codes, bold=True)
    for a in rows:
        head = head_of.get(a.household_id)
        line: list[object] = [a.site.code, a.assessed_on, a.instrument.code, a.instrument.revision]
        if names:
            line += [a.household.code, head.full_name if head else ""]
        line += [head.sex if head else "", size_of.get(a.household_id, 0), a.score, a.category]
        line += [(a.dimensions.get(d) or {}).get("score", "") for d in dims]
        line += [a.answers.get(code, "") for code in codes]
        sheet.append(line)
    return sheet.to_bytes()


def _indicator_codes(assessment: Assessment) -> list[scoring.Indicator]:
    return [i for _d, i in assessment.instrument.parsed().indicators()]
