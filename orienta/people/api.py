"""API routes of the registry: persons and duplicate matching."""

from typing import Any
from uuid import UUID

from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.audit.services import access_log_read, access_log_search
from orienta.core.api import require_recorder, writable_site
from orienta.core.models import Area
from orienta.core.types import ApiRequest
from orienta.lib.api.errors import Detail, FieldErrors, form_errors
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.people.forms import PersonForm, RegistrationForm
from orienta.people.models import CONSENT_FIELDS, ConsentAnswer, Person
from orienta.people.queries import person_candidates, person_for, person_search
from orienta.people.schemas import (
    CURRENT_MEMBERSHIP,
    CandidateOut,
    DuplicatesOut,
    IdentityIn,
    PersonCreateIn,
    PersonOut,
    PersonPatchIn,
    candidate_out,
    mask_hidden,
)
from orienta.people.services import person_register, person_update

router = Router(tags=["persons"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# Fields of the form that are not stored on the person, or not as the client sends them.
NOT_STORED = {"estimated_age", "area"}


def _area_value(code: str | None) -> UUID | str | None:
    """The area's key for the form; an unknown code stays as is, and the form refuses it."""
    if not code:
        return None
    area = Area.objects.filter(code=code).only("pk").first()
    return area.pk if area else code


def _form_input(fields: dict) -> dict:
    data = dict(fields)
    if "area" in data:
        data["area"] = _area_value(data["area"])
    return data


def _consent_answers(fields: dict) -> dict:
    """The consent answers of a registration; the booleans of earlier clients read as given
    (true) and not asked yet (false)."""
    out = dict(fields)
    for name in CONSENT_FIELDS.values():
        if isinstance(out[name], bool):
            out[name] = ConsentAnswer.GIVEN if out[name] else ConsentAnswer.NOT_ASKED
    return out


def _current_values(person: Person) -> dict:
    data = {
        name: getattr(person, name) for name in PersonForm.Meta.fields if name not in NOT_STORED
    }
    data["area"] = person.area_id
    return data


@router.get("/persons", response=list[PersonOut], summary="Search persons")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def person_list(
    request: ApiRequest, q: str = Query("", max_length=100, description="Name, code or phone.")
) -> PageMapped:
    """Persons in scope, newest first; with `q`, those matching a name, code or phone, the most
    relevant first (as the search page lists them).

    A person with a sensitive case the caller may not see is listed as the search page lists
    them (`masked`): initials, code, sex, date of birth and site; every other field empty."""
    user = request.auth
    found = person_search(user, q)
    total = found.count()
    access_log_search(request, query=q, results=total)
    found = found.select_related("site", "area").prefetch_related(CURRENT_MEMBERSHIP)
    return PageMapped(found, total, lambda persons: mask_hidden(user, persons))


@router.post(
    "/persons",
    response={201: PersonOut, 403: Detail, 409: DuplicatesOut, 422: FieldErrors},
    summary="Register a person",
)
def person_create(
    request: ApiRequest, payload: PersonCreateIn
) -> tuple[int, Person | dict[str, Any]]:
    """Register a new person at a site.

    When persons in the caller's scope look like the new one, nothing is written and the answer
    is a **409** listing them as `candidates` (id, code, score, reasons). The client shows them;
    to register anyway, it sends the same body again with `"confirm_new": true`, and the
    candidates set aside are kept with the new record.
    """
    user = request.auth
    site = writable_site(user, payload.site)
    fields = _consent_answers(payload.model_dump(exclude={"site", "confirm_new"}))
    form = RegistrationForm(data=_form_input(fields), country=site.country)
    if not form.is_valid():
        raise form_errors(form)
    candidates = person_candidates(user, form.cleaned_data)
    if candidates and not payload.confirm_new:
        access_log_search(request, query=form.cleaned_data, results=len(candidates))
        return 409, {
            "detail": gettext(
                "Persons who look like this one are already registered. Check "
                "them; to register a new person anyway, send the request again "
                "with confirm_new set to true."
            ),
            "candidates": [candidate_out(p, r) for p, r in candidates],
        }
    person = person_register(
        site=site, data=form.cleaned_data, by=user, candidates=candidates, consent=form.consent
    )
    return 201, person


@router.post("/persons/match", response=list[CandidateOut], summary="Find look-alikes")
def person_match(request: ApiRequest, payload: IdentityIn) -> list[dict[str, Any]]:
    """Persons in the caller's scope who may be the one described, best first."""
    found = person_candidates(request.auth, payload.model_dump())
    access_log_search(request, query=payload.model_dump(), results=len(found))
    return [candidate_out(p, r) for p, r in found]


@router.get(
    "/persons/{uuid:person_id}", response={200: PersonOut, 404: Detail}, summary="Read a person"
)
def person_read(request: ApiRequest, person_id: UUID) -> Person:
    """A person; the id of a merged record leads to the person it was merged into."""
    person = person_for(request.auth, person_id)
    access_log_read(request, person)
    return person


@router.patch(
    "/persons/{uuid:person_id}",
    response={200: PersonOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors},
    summary="Change a person",
)
def person_patch(request: ApiRequest, person_id: UUID, payload: PersonPatchIn) -> Person:
    """Change the fields given, if `version` is still the person's version (else 409)."""
    user = request.auth
    require_recorder(user)
    person = person_for(user, person_id)
    access_log_read(request, person)
    changes = _form_input(payload.model_dump(exclude_unset=True, exclude={"version"}))
    data = _current_values(person) | changes
    if changes.get("estimated_age") is not None and "birth_date" not in changes:
        data["birth_date"] = None
    form = PersonForm(data=data, instance=person, country=person.site.country)
    if not form.is_valid():
        raise form_errors(form)
    return person_update(
        person=person, data=form.cleaned_data, expected_version=payload.version, by=user
    )
