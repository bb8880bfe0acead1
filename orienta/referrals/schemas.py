"""What the referrals API reads and writes."""

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from orienta.referrals.models import SharedField, Status, Urgency


def _one_of(choices) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


class ReferralIn(Schema):
    person: UUID
    service: UUID
    reason: str = Field(..., max_length=1000, description="Why the person is referred.")
    urgency: str = Field(Urgency.ROUTINE, description=_one_of(Urgency))
    shared_fields: list[str] = Field(
        [SharedField.GIVEN_NAME],
        description="The person's data the provider receives. Each " + _one_of(SharedField),
    )
    case: UUID | None = Field(None, description="The case the referral belongs to.")
    action: UUID | None = Field(None, description="The action of the case it carries out.")
    visit: UUID | None = Field(None, description="The visit it was decided at.")
    site: str | None = Field(
        None,
        max_length=12,
        description="Code of the sending site; by default the case's, the "
        "visit's, or the person's site.",
    )
    consent_override_reason: str = Field(
        "",
        max_length=1000,
        description="Site managers only: why the person is referred without their consent to "
        "sharing. Without consent and without this, the answer is 422.",
    )


class NoteIn(Schema):
    note: str = Field("", max_length=1000, description="Required to decline: why.")


class SharedOut(Schema):
    field: str
    label: str
    value: str


class ReferralEventOut(Schema):
    at: datetime
    verb: str
    from_status: str
    to_status: str
    actor: str
    user: str | None
    note: str


def _is_provider(context) -> bool:
    request = (context or {}).get("request")
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return getattr(user, "role", "") == "provider"


def _keep(value: str) -> str:
    return value


def _initial(value: str) -> str:
    return f"{value[:1].upper()}." if value and value != "—" else value


# How a masked list shows each field shared: names as initials, phone and documents not at all.
MASKED_VALUE: dict[str, Callable[[str], str]] = {
    SharedField.GIVEN_NAME: _initial,
    SharedField.FAMILY_NAME: _initial,
    SharedField.PHONE: lambda value: "",
    SharedField.DOCUMENTS: lambda value: "",
}


class ReferralOut(Schema):
    id: UUID
    code: str = Field(..., description="The reference, e.g. K7M-3QX.")
    status: str = Field(..., description=_one_of(Status))
    urgency: str = Field(..., description=_one_of(Urgency))
    person: UUID | None = Field(None, description="Null for provider accounts.")
    service: UUID
    service_name: str
    organisation: str
    site: str
    case: UUID | None = Field(None, description="Null for provider accounts.")
    action: UUID | None = Field(None, description="Null for provider accounts.")
    visit: UUID | None = Field(None, description="Null for provider accounts.")
    reason: str | None = Field(None, description="Null for provider accounts.")
    shared: list[SharedOut] = Field(..., description="The person's data the provider receives.")
    sent_at: datetime
    answer_due_at: datetime
    answered_at: datetime | None
    served_at: datetime | None
    closed_at: datetime | None
    outcome_note: str
    events: list[ReferralEventOut] | None = Field(
        None, description="In the answer about one referral."
    )
    masked: bool = Field(
        False,
        description="In a list, the person has a sensitive case the caller may not see: the "
        "names shared are initials, the phone and documents are left out.",
    )

    @staticmethod
    def resolve_person(obj, context):
        return None if _is_provider(context) else obj.person_id

    @staticmethod
    def resolve_case(obj, context):
        return None if _is_provider(context) else obj.case_id

    @staticmethod
    def resolve_action(obj, context):
        return None if _is_provider(context) else obj.action_id

    @staticmethod
    def resolve_visit(obj, context):
        return None if _is_provider(context) else obj.visit_id

    @staticmethod
    def resolve_reason(obj, context):
        return None if _is_provider(context) else obj.reason

    @staticmethod
    def resolve_service(obj):
        return obj.service_id

    @staticmethod
    def resolve_service_name(obj):
        return obj.service.name

    @staticmethod
    def resolve_organisation(obj):
        return obj.service.organisation.name

    @staticmethod
    def resolve_site(obj):
        return obj.site.code

    @staticmethod
    def resolve_shared(obj):
        from orienta.referrals.queries import shared_data

        fields = [f for f in SharedField.values if f in obj.shared_fields]
        shared = [
            {"field": f, "label": label, "value": value}
            for f, (label, value) in zip(fields, shared_data(obj), strict=True)
        ]
        if getattr(obj, "masked", False):
            for item in shared:
                item["value"] = MASKED_VALUE.get(item["field"], _keep)(item["value"])
        return shared

    @staticmethod
    def resolve_events(obj, context):
        if not getattr(obj, "with_events", False):
            return None
        provider = _is_provider(context)
        return [
            {
                "at": e.at,
                "verb": e.verb,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor,
                "user": None if provider or e.user is None else e.user.username,
                "note": e.note,
            }
            for e in obj.events.select_related("user")
        ]


class ReferralFilters(Schema):
    status: str | None = Field(None, description=_one_of(Status))
    person: UUID | None = None
