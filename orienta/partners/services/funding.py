"""Sub-grants (their tranches and reports) and the CSOs' funding applications."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from orienta.core.models import Organisation, User
from orienta.core.services import StaleEdit, event_log
from orienta.partners.models import (
    DECIDED,
    Application,
    Grant,
    GrantReport,
    ReportKind,
    Stage,
    Tranche,
)
from orienta.partners.services.profiles import (
    PartnerRefused,
    _validated,
    check_currency,
    check_editor,
    check_past,
)


def _positive(amount: Decimal | None, message: str) -> Decimal:
    if amount is None or amount <= 0:
        raise PartnerRefused(message)
    return amount


# Sub-grants
# =============================================================================================


@transaction.atomic
def grant_create(
    *,
    organisation: Organisation,
    reference: str,
    purpose: str,
    amount: Decimal,
    currency: str,
    starts_on: date,
    ends_on: date,
    by: User,
) -> Grant:
    check_editor(by, organisation)
    _positive(amount, _("The amount must be above zero."))
    if ends_on < starts_on:
        raise PartnerRefused(_("The period ends before it starts."))
    if not reference.strip() or not purpose.strip():
        raise PartnerRefused(_("Give the grant's reference and purpose."))
    if Grant.objects.filter(
        organisation=organisation, reference=reference.strip(), deleted_at__isnull=True
    ).exists():
        raise PartnerRefused(_("This organisation already has a grant with this reference."))
    grant = Grant(
        organisation=organisation,
        reference=reference.strip(),
        purpose=purpose.strip(),
        amount=amount,
        currency=check_currency(currency),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
        updated_by=by,
    )
    _validated(grant, ["organisation"])
    grant.save()
    event_log(actor=by, verb="grant.created", obj=grant, data={"amount": str(amount)})
    return grant


def _locked_grant(grant: Grant, by: User) -> Grant:
    check_editor(by, grant.organisation)
    locked: Grant = Grant.objects.select_for_update().get(pk=grant.pk)
    return locked


@transaction.atomic
def tranche_add(
    *, grant: Grant, amount: Decimal, planned_on: date, by: User, conditions: str = ""
) -> Tranche:
    """A tranche of the grant, on its conditions; the tranches never add up to more than the
    grant."""
    locked = _locked_grant(grant, by)
    _positive(amount, _("The amount must be above zero."))
    tranches = Tranche.objects.filter(grant=locked, deleted_at__isnull=True)
    found = tranches.aggregate(total=Sum("amount"), last=Max("number"))
    if (found["total"] or 0) + amount > locked.amount:
        raise PartnerRefused(
            _("The tranches would add up to more than the grant (%(amount)s %(currency)s).")
            % {"amount": locked.amount, "currency": locked.currency}
        )
    tranche = Tranche(
        grant=locked,
        number=(found["last"] or 0) + 1,
        amount=amount,
        planned_on=planned_on,
        conditions=conditions.strip(),
        created_by=by,
        updated_by=by,
    )
    _validated(tranche, ["grant"])
    tranche.save()
    locked.save(update_fields=locked.touch(by=by))
    event_log(actor=by, verb="tranche.added", obj=tranche, data={"amount": str(amount)})
    return tranche


@transaction.atomic
def tranche_release(*, tranche: Tranche, by: User, released_on: date | None = None) -> Tranche:
    """The tranche paid to the CSO, its conditions met."""
    _locked_grant(tranche.grant, by)
    locked: Tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if locked.released_on is not None:
        raise PartnerRefused(_("This tranche was released already."))
    locked.released_on = check_past(tranche.grant.organisation, released_on)
    locked.save(update_fields=["released_on", *locked.touch(by=by)])
    event_log(actor=by, verb="tranche.released", obj=locked)
    return locked


@transaction.atomic
def report_add(*, grant: Grant, kind: str, due_on: date, by: User) -> GrantReport:
    locked = _locked_grant(grant, by)
    if kind not in ReportKind.values:
        raise PartnerRefused(_("Choose a kind of report of the list."))
    report = GrantReport(grant=locked, kind=kind, due_on=due_on, created_by=by, updated_by=by)
    report.save()
    event_log(actor=by, verb="grant_report.added", obj=report)
    return report


@transaction.atomic
def report_receive(
    *, report: GrantReport, by: User, received_on: date | None = None
) -> GrantReport:
    _locked_grant(report.grant, by)
    locked: GrantReport = GrantReport.objects.select_for_update().get(pk=report.pk)
    if locked.received_on is not None:
        raise PartnerRefused(_("This report was received already."))
    locked.received_on = check_past(report.grant.organisation, received_on)
    locked.save(update_fields=["received_on", *locked.touch(by=by)])
    event_log(actor=by, verb="grant_report.received", obj=locked)
    return locked


# Funding applications
# =============================================================================================


@dataclass
class ApplicationData:
    donor: str
    amount_requested: Decimal
    currency: str
    stage: str = Stage.IDEA
    call: str = ""
    submitted_on: date | None = None
    decided_on: date | None = None
    amount_obtained: Decimal | None = None


def _check_application(organisation: Organisation, data: ApplicationData) -> ApplicationData:
    if not data.donor.strip():
        raise PartnerRefused(_("Name the donor."))
    _positive(data.amount_requested, _("The amount requested must be above zero."))
    if data.stage not in Stage.values:
        raise PartnerRefused(_("Choose a stage of the list."))
    decided = data.stage in DECIDED
    if data.stage in (Stage.SUBMITTED, *DECIDED) and data.submitted_on is None:
        raise PartnerRefused(_("Give the date the application was submitted."))
    if decided and data.decided_on is None:
        raise PartnerRefused(_("Give the date of the donor's decision."))
    if data.stage == Stage.WON:
        _positive(data.amount_obtained, _("Give the amount obtained."))
    elif data.amount_obtained is not None:
        raise PartnerRefused(_("Only an application won obtains an amount."))
    for day in (data.submitted_on, data.decided_on):
        if day is not None:
            check_past(organisation, day)
    if data.submitted_on and data.decided_on and data.decided_on < data.submitted_on:
        raise PartnerRefused(_("The decision cannot come before the submission."))
    return ApplicationData(
        donor=data.donor.strip(),
        call=data.call.strip(),
        amount_requested=data.amount_requested,
        currency=check_currency(data.currency),
        stage=data.stage,
        submitted_on=data.submitted_on if data.stage not in (Stage.IDEA, Stage.DRAFTING) else None,
        decided_on=data.decided_on if decided else None,
        amount_obtained=data.amount_obtained if data.stage == Stage.WON else None,
    )


def _fill(application: Application, data: ApplicationData) -> None:
    for name in data.__dataclass_fields__:
        setattr(application, name, getattr(data, name))


@transaction.atomic
def application_create(
    *, organisation: Organisation, data: ApplicationData, by: User
) -> Application:
    check_editor(by, organisation)
    checked = _check_application(organisation, data)
    application = Application(organisation=organisation, created_by=by, updated_by=by)
    _fill(application, checked)
    _validated(application, ["organisation"])
    application.save()
    event_log(actor=by, verb="application.created", obj=application, data={"stage": data.stage})
    return application


@transaction.atomic
def application_update(
    *, application: Application, data: ApplicationData, by: User, version: int | None = None
) -> Application:
    """The application moved on (a new stage, the amount obtained); refused when someone else
    saved it since the form was opened."""
    check_editor(by, application.organisation)
    checked = _check_application(application.organisation, data)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if version is not None and version != locked.version:
        raise StaleEdit
    _fill(locked, checked)
    locked.touch(by=by)
    _validated(locked, ["organisation"])
    locked.save()
    event_log(actor=by, verb="application.updated", obj=locked, data={"stage": locked.stage})
    return locked
