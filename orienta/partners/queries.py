"""Reads of the partners app, every one scoped by `partner_filter` (a CSO's staff: their own
organisation; coordinators: their country's CSOs; M&E and administrators: all), each access
helper answering 404 (`OutOfScope`) for a record out of scope. Lists are bounded."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, Max, Q, QuerySet, Sum

from orienta.core.models import Organisation
from orienta.core.types import AnyUser
from orienta.lib.errors import OutOfScope
from orienta.partners import oca
from orienta.partners.access import partner_filter, reads_partners
from orienta.partners.models import (
    Application,
    Assessment,
    Contact,
    Document,
    Grant,
    GrantReport,
    PlanAction,
    Stage,
    Tool,
    Tranche,
)

PAGE_SIZE = 25
# Assessments compared on the radar chart: the latest ones.
COMPARED = 4
MAX_ROWS = 200


def csos(user: AnyUser) -> QuerySet[Organisation]:
    return Organisation.objects.filter(partner_filter(user)).select_related("country")


def cso_for(user: AnyUser, pk: UUID | str) -> Organisation:
    """The CSO if it is in the user's scope, else 404."""
    found = csos(user).select_related("area", "cso_profile").filter(pk=pk).first()
    if found is None:
        raise OutOfScope("organisation", pk)
    return found


def _one(qs: QuerySet[Any], kind: str, pk: UUID | str) -> Any:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise OutOfScope(kind, pk)
    return found


def assessments(user: AnyUser) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user).select_related("organisation", "tool")


def assessment_for(user: AnyUser, pk: UUID | str) -> Assessment:
    found: Assessment = _one(assessments(user), "oca_assessment", pk)
    return found


def grants(user: AnyUser) -> QuerySet[Grant]:
    return Grant.objects.visible_to(user).select_related("organisation", "organisation__country")


def grant_for(user: AnyUser, pk: UUID | str) -> Grant:
    found: Grant = _one(grants(user), "grant", pk)
    return found


def tranche_for(user: AnyUser, pk: UUID | str) -> Tranche:
    qs = Tranche.objects.visible_to(user).select_related("grant", "grant__organisation")
    found: Tranche = _one(qs, "tranche", pk)
    return found


def report_for(user: AnyUser, pk: UUID | str) -> GrantReport:
    qs = GrantReport.objects.visible_to(user).select_related("grant", "grant__organisation")
    found: GrantReport = _one(qs, "grant_report", pk)
    return found


def action_for(user: AnyUser, pk: UUID | str) -> PlanAction:
    qs = PlanAction.objects.visible_to(user).select_related("organisation")
    found: PlanAction = _one(qs, "cso_action", pk)
    return found


def application_for(user: AnyUser, pk: UUID | str) -> Application:
    qs = Application.objects.visible_to(user).select_related("organisation")
    found: Application = _one(qs, "application", pk)
    return found


def document_for(user: AnyUser, pk: UUID | str) -> Document:
    qs = Document.objects.visible_to(user).select_related("organisation")
    found: Document = _one(qs, "cso_document", pk)
    return found


def contact_for(user: AnyUser, pk: UUID | str) -> Contact:
    qs = Contact.objects.visible_to(user).select_related("organisation")
    found: Contact = _one(qs, "cso_contact", pk)
    return found


def tools(user: AnyUser) -> QuerySet[Tool]:
    """The versions of the OCA tool (configuration), for those who read the CSOs."""
    if not reads_partners(user):
        return Tool.objects.none()
    return Tool.objects.filter(deleted_at__isnull=True)


def tool_for(user: AnyUser, pk: UUID | str) -> Tool:
    found: Tool = _one(tools(user), "oca_tool", pk)
    return found


# The list of CSOs
# =============================================================================================


def cso_list(user: AnyUser, *, country: str = "", text: str = "") -> QuerySet[Organisation]:
    """The CSOs in scope with their latest assessment's date and how many sites they run."""
    found = csos(user).annotate(
        last_assessed=Max(
            "cso_assessments__assessed_on",
            filter=Q(cso_assessments__deleted_at__isnull=True),
        ),
        site_count=Count("sites", filter=Q(sites__deleted_at__isnull=True), distinct=True),
    )
    if country:
        found = found.filter(country__code=country)
    if text:
        found = found.filter(name__icontains=text[:80])
    return found.order_by("country__code", "name")


def mobilised(organisation_ids: list[UUID]) -> dict[UUID, list[tuple[str, Decimal]]]:
    """Per CSO, the amounts obtained by its applications won, per currency."""
    rows = (
        Application.objects.filter(
            organisation__in=organisation_ids, stage=Stage.WON, deleted_at__isnull=True
        )
        .values("organisation_id", "currency")
        .annotate(total=Sum("amount_obtained"))
        .order_by("organisation_id", "currency")
    )
    found: dict[UUID, list[tuple[str, Decimal]]] = defaultdict(list)
    for row in rows:
        found[row["organisation_id"]].append((row["currency"], row["total"]))
    return dict(found)


# A CSO's page
# =============================================================================================


@dataclass
class AreaRow:
    code: str
    name: str
    averages: list[Decimal | None]
    stages: list[str]


@dataclass
class History:
    """The latest assessments, oldest first, and each area's average in each of them."""

    assessed: list[Assessment] = field(default_factory=list)
    rows: list[AreaRow] = field(default_factory=list)


def history(organisation: Organisation, limit: int = COMPARED) -> History:
    latest = list(
        Assessment.objects.filter(organisation=organisation, deleted_at__isnull=True)
        .select_related("tool")
        .order_by("-assessed_on", "-created_at")[:limit]
    )
    assessed = latest[::-1]
    if not assessed:
        return History()
    # The areas of the newest assessment's tool, then any area only an older one had.
    areas: dict[str, oca.Area] = {}
    for assessment in latest:
        for area in assessment.tool.parsed().areas:
            areas.setdefault(area.code, area)
    rows = []
    for code, area in areas.items():
        averages: list[Decimal | None] = []
        stages: list[str] = []
        for a in assessed:
            result = a.areas.get(code)
            averages.append(Decimal(result["average"]) if result else None)
            stage = a.tool.parsed().stage(result["stage"]) if result else None
            stages.append(stage.name if stage else "")
        rows.append(AreaRow(code, area.name, averages, stages))
    return History(assessed, rows)


def plan(organisation: Organisation) -> list[PlanAction]:
    return list(
        PlanAction.objects.filter(organisation=organisation, deleted_at__isnull=True).order_by(
            "status", "due_on"
        )[:MAX_ROWS]
    )


def grant_list(organisation: Organisation) -> list[Grant]:
    return list(
        Grant.objects.filter(organisation=organisation, deleted_at__isnull=True)
        .annotate(
            released=Sum(
                "tranches__amount",
                filter=Q(tranches__released_on__isnull=False, tranches__deleted_at__isnull=True),
            )
        )
        .order_by("-starts_on")[:MAX_ROWS]
    )


def applications(organisation: Organisation) -> list[Application]:
    return list(
        Application.objects.filter(organisation=organisation, deleted_at__isnull=True).order_by(
            "-created_at"
        )[:MAX_ROWS]
    )


@dataclass
class YearTotal:
    year: int
    currency: str
    submitted: int = 0
    requested: Decimal = Decimal(0)
    won: int = 0
    obtained: Decimal = Decimal(0)


def application_totals(items: list[Application]) -> list[YearTotal]:
    """Per year and currency: the applications submitted and the amounts they requested (in
    the year they were submitted), the applications won and the amounts obtained (in the year
    of the donor's decision)."""
    totals: dict[tuple[int, str], YearTotal] = {}

    def line(year: int, currency: str) -> YearTotal:
        return totals.setdefault((year, currency), YearTotal(year, currency))

    for a in items:
        if a.submitted_on is not None:
            row = line(a.submitted_on.year, a.currency)
            row.submitted += 1
            row.requested += a.amount_requested
        if a.stage == Stage.WON and a.decided_on is not None and a.amount_obtained:
            row = line(a.decided_on.year, a.currency)
            row.won += 1
            row.obtained += a.amount_obtained
    return [totals[key] for key in sorted(totals, reverse=True)]


def contacts(organisation: Organisation) -> list[Contact]:
    return list(
        Contact.objects.filter(organisation=organisation, deleted_at__isnull=True)[:MAX_ROWS]
    )


def contacts_of(organisation_ids: list[UUID]) -> dict[UUID, list[Contact]]:
    """The contacts of each of these CSOs, in one query (the caller has checked who reads them:
    `access.reads_contacts`)."""
    found: dict[UUID, list[Contact]] = {pk: [] for pk in organisation_ids}
    rows = Contact.objects.filter(organisation__in=organisation_ids, deleted_at__isnull=True)
    for contact in rows.order_by("name", "pk")[:MAX_ROWS]:
        found[contact.organisation_id].append(contact)
    return found


def documents(organisation: Organisation) -> list[Document]:
    return list(
        Document.objects.filter(organisation=organisation, deleted_at__isnull=True)[:MAX_ROWS]
    )
