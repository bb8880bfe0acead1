"""The records a request refers to, found within the caller's scope.

A reference the caller may not see is answered like one that does not exist: a field error,
never a hint that it exists elsewhere.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from orienta.cases.models import CaseAction
from orienta.cases.queries import action_for
from orienta.core.access import can_record
from orienta.core.models import Organisation
from orienta.core.scoping import records_at_site
from orienta.core.types import AnyUser
from orienta.directory.models import CostOption, Service
from orienta.fund.services import RequestInput
from orienta.people.models import Person
from orienta.people.queries import person_for
from orienta.referrals.models import Referral


def _unknown(field: str) -> ValidationError:
    return ValidationError({field: _("This record does not exist, or you cannot use it here.")})


def _person(user: AnyUser, pk: UUID | str) -> Person:
    try:
        person = person_for(user, pk)
    except Http404:
        raise _unknown("person") from None
    if not records_at_site(user, person.site_id):
        raise _unknown("person")
    return person


def _service(user: AnyUser, pk: UUID | str) -> Service:
    found = Service.objects.visible_to(user).filter(pk=pk).select_related("organisation").first()
    if found is None:
        raise _unknown("service")
    return found


def _cost_option(user: AnyUser, pk: UUID | str) -> CostOption:
    found = (
        CostOption.objects.filter(
            pk=pk, deleted_at__isnull=True, service__in=Service.objects.visible_to(user)
        )
        .select_related("service", "service__organisation")
        .first()
    )
    if found is None:
        raise _unknown("cost_option")
    return found


def _referral(user: AnyUser, pk: UUID | str, person: Person) -> Referral:
    found = (
        Referral.objects.visible_to(user)
        .filter(pk=pk, person=person)
        .select_related("service", "service__organisation")
        .first()
    )
    if found is None:
        raise _unknown("referral")
    return found


def _case_action(user: AnyUser, pk: UUID | str, person: Person) -> CaseAction:
    try:
        action = action_for(user, pk)
    except Http404:
        raise _unknown("case_action") from None
    if action.case.person_id != person.pk:
        raise _unknown("case_action")
    return action


def priced_option(service: Service | None, currency: str) -> CostOption | None:
    """The service's cost option in the fund's currency with a price, if there is one."""
    if service is None:
        return None
    return (
        service.cost_options.filter(deleted_at__isnull=True, currency=currency, amount__gt=0)
        .order_by("-amount")
        .first()
    )


def request_input(user: AnyUser, data: dict[str, Any]) -> RequestInput:
    """A RequestInput from ids (API body or form), every id resolved in the user's scope."""
    if not can_record(user):
        raise PermissionDenied
    person = _person(user, data["person"])
    site_code = (data.get("site") or "").strip().upper()
    if site_code and site_code != person.site.code:
        raise ValidationError({"site": _("The request is made at the person's own site.")})
    provider = None
    if data.get("provider"):
        provider = Organisation.objects.visible_to(user).filter(pk=data["provider"]).first()
        if provider is None:
            raise _unknown("provider")
    service = _service(user, data["service"]) if data.get("service") else None
    option = _cost_option(user, data["cost_option"]) if data.get("cost_option") else None
    referral = _referral(user, data["referral"], person) if data.get("referral") else None
    action = _case_action(user, data["case_action"], person) if data.get("case_action") else None
    if option is None:
        priced = service or (referral.service if referral is not None else None)
        option = priced_option(priced, person.site.country.currency)
    return RequestInput(
        site=person.site,
        person=person,
        amount=data.get("amount"),
        reason=data.get("reason") or "",
        criteria=list(data.get("criteria") or []),
        evidence=data.get("evidence") or "",
        provider=provider,
        service=service,
        cost_option=option,
        referral=referral,
        case_action=action,
        currency=data.get("currency") or None,
        confirm_repeat=bool(data.get("confirm_repeat")),
        quantity=data.get("quantity", 1),
    )
