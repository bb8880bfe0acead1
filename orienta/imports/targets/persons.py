"""Persons and households: each submission names a person (the household's head when the
form has a repeat group of members); each row of the repeat group is a member of the head's
household. Every person passes the registry's duplicate check: look-alikes wait for the
user's decision (the existing person, or a new one)."""

from typing import Any

from django.utils.translation import gettext_lazy

from orienta.core.models import Site
from orienta.imports.models import Kind
from orienta.imports.readers import Row, Submission
from orienta.imports.targets.base import (
    SITE,
    Context,
    Field,
    Prepared,
    Target,
    created,
    look_alike,
    person_data,
    person_fields,
    person_resolve,
)
from orienta.imports.values import read_bool, read_choice
from orienta.people.models import Household, Relationship
from orienta.people.queries import current_membership
from orienta.people.services import household_add_member, household_create

MEMBER = "member_"
RELATIONSHIPS = [code for code in Relationship.values if code != Relationship.HEAD]


def _relationship() -> Field:
    return Field(
        MEMBER + "relationship",
        gettext_lazy("Member's relationship to the head"),
        required=True,
        repeat=True,
        names=("member_relationship", "relationship", "lien", "lien_parente", "parentesco"),
        help=gettext_lazy("One of: %(list)s.") % {"list": ", ".join(RELATIONSHIPS)},
    )


def _extra(ctx: Context, row: Row) -> dict[str, str]:
    consent = ctx.read(row, "consent_processing", read_bool)
    return {"locality": ctx.raw(row, "locality"), "consent_processing": "on" if consent else ""}


class Persons(Target):
    kind = Kind.PERSONS

    def fields(self, site: Site, options: dict[str, Any]) -> list[Field]:
        return [
            SITE,
            *person_fields(),
            Field(
                "locality",
                gettext_lazy("Locality or neighbourhood"),
                names=("locality", "quartier", "bairro", "village"),
            ),
            Field(
                "consent_processing",
                gettext_lazy("Consents to the processing of their data (yes or no)"),
                names=("consent", "consentement", "consentimento", "consent_processing"),
            ),
            *person_fields(MEMBER, repeat=True),
            _relationship(),
        ]

    def prepare(self, ctx: Context, submission: Submission) -> Prepared | None:
        row, before = submission.row, len(ctx.problems)
        ctx.check_site(row)
        head = person_data(ctx, row, extra=_extra(ctx, row))
        members = []
        if ctx.mapping.get(MEMBER + "given_name"):
            for child in submission.children:
                relationship = ctx.read(child, MEMBER + "relationship", read_choice, RELATIONSHIPS)
                if relationship == "":
                    ctx.require(child, _relationship())
                data = person_data(ctx, child, MEMBER)
                members.append((child, data, relationship))
        if len(ctx.problems) > before or head is None:
            return None
        alikes = [look_alike(ctx, row, head)] + [
            look_alike(ctx, c, d) for c, d, _r in members if d is not None
        ]
        preview = [
            f"{head['given_name']} {head['family_name']}",
            str(head["sex"]),
            str(head["birth_date"] or ""),
            head["phone"],
            head["locality"],
            ", ".join(f"{d['given_name']} ({r})" for _c, d, r in members if d),
        ]
        data = {"head": head, "members": members, "alikes": alikes}
        return Prepared(submission, data, preview, [a for a in alikes if a])

    def write(self, ctx: Context, prepared: Prepared) -> list[dict[str, Any]] | None:
        row, data = prepared.submission.row, prepared.data
        alikes = data["alikes"]
        found = person_resolve(ctx, row, data["head"], alikes[0])
        if found is None:
            return None
        head, linked = found
        out = [created("person", head, linked=linked)]
        if not data["members"]:
            return out
        household = _household_of(ctx, head)
        out.append(created("household", household))
        for (child, member, relationship), alike in zip(data["members"], alikes[1:], strict=True):
            resolved = person_resolve(ctx, child, member, alike)
            if resolved is None:
                continue
            person, linked = resolved
            current = current_membership(person)
            if current is None or current.household_id != household.pk:
                household_add_member(
                    household=household, person=person, relationship=relationship, by=ctx.user
                )
            out.append(created("person", person, linked=linked))
        return out


def _household_of(ctx: Context, head: Any) -> Household:
    """The head's current household, or a new one it heads."""
    current = current_membership(head)
    if current is not None:
        return current.household
    return household_create(head=head, by=ctx.user, locality=head.locality)
