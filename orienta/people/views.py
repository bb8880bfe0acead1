"""Registry pages: search, register without duplicates, the person page, edit, merge."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.audit.services import access_log_read, access_log_search
from orienta.core.access import can_merge, can_read_persons, can_record
from orienta.core.models import User
from orienta.core.scoping import records_at_site
from orienta.core.services import StaleEdit
from orienta.core.types import AuthedRequest
from orienta.people import queries, services
from orienta.people.forms import (
    MergeForm,
    PersonForm,
    PersonSearchForm,
    RegistrationForm,
    SiteChoiceForm,
)
from orienta.people.hooks import mask_sensitive
from orienta.people.models import Relationship


def _require_people_reader(user: User) -> None:
    if not can_read_persons(user):
        raise PermissionDenied


def _require_recorder(user: User) -> None:
    if not can_record(user):
        raise PermissionDenied


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    _require_people_reader(request.user)
    form = PersonSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(queries.person_search(request.user, q), 20).get_page(request.GET.get("page"))
    access_log_search(request, query=q, results=page.paginator.count)
    mask_sensitive(request.user, page.object_list)
    context = {"form": form, "q": q, "page": page}
    template = "people/_results.html" if request.htmx else "people/search.html"
    return render(request, template, context)


def _register_context(
    request: AuthedRequest,
    form: BaseForm,
    site_form: SiteChoiceForm,
    candidates: Iterable[Any] = (),
) -> dict[str, Any]:
    return {"form": form, "site_form": site_form, "candidates": candidates}


@login_required
def register(request: AuthedRequest) -> HttpResponse:
    """Screen 2 of the agent's flow: the form, then look-alikes to open or set aside."""
    _require_recorder(request.user)
    site_form = SiteChoiceForm(request.POST or None, user=request.user)
    site = site_form.chosen_site()
    if site is None:
        raise PermissionDenied
    if request.method != "POST":
        initial = _initial_from_query(request.GET.get("q", ""))
        form = RegistrationForm(initial=initial, country=site.country)
        return render(request, "people/register.html", _register_context(request, form, site_form))
    form = RegistrationForm(request.POST, country=site.country)
    if not (site_form.is_valid() and form.is_valid()):
        return render(
            request, "people/register.html", _register_context(request, form, site_form), status=422
        )
    site = site_form.cleaned_data["site"]
    candidates = queries.person_candidates(request.user, form.cleaned_data)
    if candidates and request.POST.get("confirm_new") != "1":
        access_log_search(request, query=form.cleaned_data, results=len(candidates))
        return render(
            request, "people/register.html", _register_context(request, form, site_form, candidates)
        )
    person = services.person_register(
        site=site,
        data=form.cleaned_data,
        by=request.user,
        candidates=candidates,
        consent=form.consent,
    )
    messages.success(
        request,
        _("%(name)s is registered with code %(code)s.")
        % {"name": person.full_name, "code": person.code},
    )
    return redirect(reverse("frontdesk:visit_new") + f"?person={person.pk}")


def _initial_from_query(q: str) -> dict:
    words = [w for w in q.split() if not any(ch.isdigit() for ch in w)]
    if not words:
        return {}
    return {
        "given_name": " ".join(words[:-1]) or words[0],
        "family_name": words[-1] if len(words) > 1 else "",
    }


@login_required
@require_POST
def open_existing(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The agent recognised the person among the look-alikes: keep the decision, go on."""
    _require_recorder(request.user)
    person = queries.person_for(request.user, pk)
    query = {
        k: request.POST.get(k, "") for k in ("given_name", "family_name", "birth_date", "phone")
    }
    services.person_open_existing(person=person, by=request.user, query=query)
    return redirect(reverse("frontdesk:visit_new") + f"?person={person.pk}")


@login_required
def by_code(request: AuthedRequest, code: str) -> HttpResponse:
    _require_people_reader(request.user)
    return redirect("frontdesk:person", pk=queries.person_by_code_for(request.user, code).pk)


@login_required
def edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    _require_recorder(request.user)
    person = queries.person_for(request.user, pk)
    access_log_read(request, person)
    if request.method != "POST":
        form = PersonForm(instance=person, country=person.site.country)
        return render(request, "people/edit.html", {"form": form, "person": person})
    form = PersonForm(
        request.POST, instance=queries.person_for(request.user, pk), country=person.site.country
    )
    expected = _int(request.POST.get("version"))
    if not form.is_valid():
        return render(
            request,
            "people/edit.html",
            {"form": form, "person": person, "version": expected},
            status=422,
        )
    try:
        services.person_update(
            person=person, data=form.cleaned_data, expected_version=expected, by=request.user
        )
    except StaleEdit:
        fresh = queries.person_for(request.user, pk)
        messages.error(
            request,
            _(
                "Someone else saved this person while you were editing. Your "
                "changes were not saved; here is the latest version."
            ),
        )
        form = PersonForm(instance=fresh, country=fresh.site.country)
        return render(request, "people/edit.html", {"form": form, "person": fresh}, status=409)
    messages.success(request, _("The changes are saved."))
    return redirect("frontdesk:person", pk=person.pk)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
def merge(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """A site manager merges another record of the same person into this one."""
    if not can_merge(request.user):
        raise PermissionDenied
    survivor = queries.person_for(request.user, pk)
    access_log_read(request, survivor)
    form = MergeForm(request.POST or None)
    other = None
    if form.is_valid():
        other = queries.person_by_code_or_none(request.user, form.cleaned_data["code"])
        if (
            other is None
            or other.pk == survivor.pk
            or not records_at_site(request.user, other.site_id)
        ):
            form.add_error("code", _("No other record with this code at your sites."))
        elif request.POST.get("confirm") == "1":
            services.person_merge(
                survivor=survivor, merged=other, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("%(code)s was merged into this record.") % {"code": other.code}
            )
            return redirect("frontdesk:person", pk=survivor.pk)
    if other and not form.errors:
        access_log_read(request, other)
    context = {
        "person": survivor,
        "other": other if not form.errors else None,
        "form": form,
        "candidates": queries.person_candidates(request.user, survivor, exclude=survivor),
    }
    return render(request, "people/merge.html", context)


@login_required
def household(request: AuthedRequest, pk: UUID) -> HttpResponse:
    _require_recorder(request.user)
    person = queries.person_for(request.user, pk)
    membership = queries.current_membership(person)
    household_id = membership.household_id if membership else None
    access_log_read(request, person, object_type="household", object_id=household_id)
    context = {
        "person": person,
        "membership": membership,
        "relationships": Relationship.choices,
        "members": membership.household.current_members() if membership else [],
    }
    return render(request, "people/household.html", context)


@login_required
@require_POST
def household_create(request: AuthedRequest, pk: UUID) -> HttpResponse:
    _require_recorder(request.user)
    person = queries.person_for(request.user, pk)
    if queries.current_membership(person):
        messages.error(request, _("This person is already in a household."))
    else:
        services.household_create(head=person, by=request.user)
        messages.success(request, _("The household is created."))
    return redirect("people:household", pk=person.pk)


@login_required
@require_POST
def household_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    _require_recorder(request.user)
    person = queries.person_for(request.user, pk)
    membership = queries.current_membership(person)
    other = queries.person_by_code_or_none(request.user, request.POST.get("code", ""))
    relationship = request.POST.get("relationship", "")
    if membership is None:
        messages.error(request, _("Create the household first."))
    elif other is None:
        messages.error(request, _("No person with this code."))
    elif relationship not in Relationship.values or relationship == Relationship.HEAD:
        messages.error(request, _("Choose the relationship to the head of household."))
    elif (
        current := queries.current_membership(other)
    ) is not None and current.household_id == membership.household_id:
        messages.error(request, _("This person is already a member."))
    else:
        services.household_add_member(
            household=membership.household, person=other, relationship=relationship, by=request.user
        )
        messages.success(request, _("%(name)s joined the household.") % {"name": other})
    return redirect("people:household", pk=person.pk)


@login_required
@require_POST
def household_leave(request: AuthedRequest, pk: UUID, member_pk: UUID) -> HttpResponse:
    _require_recorder(request.user)
    person = queries.person_for(request.user, pk)
    membership = queries.current_membership(person)
    member = membership and membership.household.current_members().filter(pk=member_pk).first()
    if not member:
        messages.error(request, _("This member is not in the household."))
    else:
        services.household_remove_member(member=member, by=request.user)
        messages.success(request, _("%(name)s left the household.") % {"name": member.person})
    return redirect("people:household", pk=person.pk)
