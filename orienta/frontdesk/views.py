"""Front desk pages: the agent's day, the person page, recording a visit."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.audit.services import (
    access_log_read,
    access_log_search,
)
from orienta.core import page_panels as panels
from orienta.core.access import can_read_persons, can_record
from orienta.core.models import User
from orienta.core.scoping import can_change_visit
from orienta.core.services import StaleEdit
from orienta.core.types import AuthedRequest
from orienta.frontdesk import queries, services
from orienta.frontdesk.audit import log_visit_read
from orienta.frontdesk.forms import (
    AnonymousVisitForm,
    ChangeReasonForm,
    VisitForm,
    corrected_values,
    correction_form,
)
from orienta.frontdesk.models import Outcome, Visit
from orienta.people.forms import PersonSearchForm, SiteChoiceForm
from orienta.people.hooks import mask_sensitive
from orienta.people.models import Person
from orienta.people.queries import (
    consent_history,
    consent_states,
    current_membership,
    person_for,
)

# The day page lists this many visits at a time.
DAY_PAGE = 50


@login_required
def day(request: AuthedRequest) -> HttpResponse:
    """Today's visits at the agent's site(s), and the search box that starts every visit."""
    if not can_record(request.user):
        raise PermissionDenied
    site_form = SiteChoiceForm(request.GET or None, user=request.user)
    if site_form.is_bound and not site_form.is_valid():
        raise Http404  # a site the user does not work at
    site = site_form.chosen_site()
    if site is None:
        raise PermissionDenied
    today = queries.visits_today(request.user, site)
    summary = queries.day_summary(today)
    # A busy day is shown DAY_PAGE visits at a time, newest first; the counts cover the whole day.
    paginator = Paginator(today, DAY_PAGE)
    paginator.count = summary["total"]  # counted once, with the summary
    page = paginator.get_page(request.GET.get("page"))
    visits = list(page.object_list)
    mask_sensitive(request.user, [v.person for v in visits if v.person is not None])
    _mark_changeable(request.user, visits)
    access_log_search(request, query=f"site={site.code}", results=len(visits), object_type="visit")
    context = {
        "site": site,
        "site_form": site_form,
        "visits": visits,
        "page": page,
        "summary": summary,
        "search_form": PersonSearchForm(),
    }
    return render(request, "frontdesk/day.html", context)


def _mark_changeable(user: User, visits: Iterable[Visit]) -> None:
    """Which visits the user may correct or void (their own, or any as the site's manager)."""
    for visit in visits:
        visit.changeable = can_change_visit(user, visit)  # type: ignore[attr-defined]  # for the page


@login_required
def person(request: AuthedRequest, pk: UUID) -> HttpResponse:
    if not can_read_persons(request.user):
        raise PermissionDenied
    found = person_for(request.user, pk)
    if str(found.pk) != str(pk):
        return redirect("frontdesk:person", pk=found.pk)
    access_log_read(request, found)
    membership = current_membership(found)
    consent = consent_history(found)
    every = request.GET.get("visits") == "all"
    history = queries.person_visits(
        request.user, found, limit=None if every else queries.PERSON_VISITS_SHOWN
    )
    _mark_changeable(request.user, history.current)
    context = {
        "person": found,
        "consent_events": consent[:3],
        "consent_states": consent_states(found, consent),
        "age": found.age_on(timezone.localdate()),
        "membership": membership,
        "members": membership.household.current_members() if membership else [],
        "visits": history.current,
        "voided_visits": history.voided,
        "visits_more": history.more,
        "visits_total": history.total,
        "merges": found.merges_in.select_related("merged_by"),
        "panels": panels.render("person_panel", request, found),
        "actions": panels.actions(
            "person_actions", request, found, extra=_own_actions(request, found)
        ),
    }
    return render(request, "frontdesk/person.html", context)


def _own_actions(request: AuthedRequest, person: Person) -> list:
    if not can_record(request.user):
        return []
    url = reverse("frontdesk:visit_new") + f"?person={person.pk}"
    return [panels.PageAction(url, _("New visit"), rank=20)]


@login_required
def visit_new(request: AuthedRequest) -> HttpResponse:
    """Screen 3: record the visit of a registered person (or anonymous with ?anonymous=1)."""
    if not can_record(request.user):
        raise PermissionDenied
    person_id = request.GET.get("person")
    found = person_for(request.user, person_id) if person_id else None
    if found:
        access_log_read(request, found)
    form_class = VisitForm if found else AnonymousVisitForm
    site_form = SiteChoiceForm(request.POST or None, user=request.user)
    outcome = request.GET.get("outcome")
    initial = {"outcome": outcome} if outcome in Outcome.values else {}
    form = form_class(request.POST or None, initial=initial)
    context = {"form": form, "site_form": site_form, "person": found, "outcome": outcome}
    if request.method != "POST":
        return render(request, "frontdesk/visit_form.html", context)
    if not (form.is_valid() and site_form.is_valid()):
        return render(request, "frontdesk/visit_form.html", context, status=422)
    visit = services.visit_record(
        site=site_form.cleaned_data["site"], by=request.user, data=form.cleaned_data, person=found
    )
    messages.success(request, _("The visit is recorded."))
    if found and visit.outcome == Outcome.CASE:
        return redirect(reverse("cases:new") + f"?visit={visit.pk}")
    if found and visit.outcome == Outcome.ORIENTED:
        return redirect(reverse("referrals:new") + f"?person={found.pk}&visit={visit.pk}")
    if found:
        return redirect("frontdesk:person", pk=found.pk)
    return redirect("frontdesk:day")


# Correcting and voiding a visit
# =============================================================================================


def _visit_to_change(request: AuthedRequest, pk: UUID) -> Visit:
    """A version of a visit the user may correct or void: 403 for a role that records no
    visits, 404 out of scope, 403 for a visit neither theirs nor of a site they manage."""
    if not can_record(request.user):
        raise PermissionDenied
    visit = queries.visit_version_for(request.user, pk)
    if not can_change_visit(request.user, visit):
        raise PermissionDenied
    log_visit_read(request, visit)
    return visit


def _after_change(visit: Visit) -> HttpResponse:
    if visit.person_id:
        return redirect(reverse("frontdesk:person", args=[visit.person_id]) + "#visits")
    return redirect("frontdesk:day")


def _as_it_stands(request: AuthedRequest, visit: Visit, name: str) -> HttpResponse:
    """For an earlier version: the page of the current one (or back, when it was voided)."""
    current = queries.latest_version(visit)
    if current.voided_at is not None:
        messages.error(request, _("This visit was voided."))
        return _after_change(visit)
    messages.error(
        request, _("This visit was corrected in the meantime. Here it is as it stands now.")
    )
    return redirect(name, pk=current.pk)


def _change_context(visit: Visit, **forms: Any) -> dict[str, Any]:
    return {"visit": visit, "history": queries.visit_history(visit), **forms}


@login_required
def visit_correct(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """Its author or the site's manager corrects a visit: a new version, with a reason."""
    visit = _visit_to_change(request, pk)
    if visit.voided_at or hasattr(visit, "superseded_by"):
        return _as_it_stands(request, visit, "frontdesk:visit_correct")
    data = request.POST if request.method == "POST" else None
    form = correction_form(visit, data)
    reason_form = ChangeReasonForm(data)
    context = _change_context(visit, form=form, reason_form=reason_form)
    if request.method != "POST":
        return render(request, "frontdesk/visit_change.html", context)
    if not (form.is_valid() and reason_form.is_valid()):
        return render(request, "frontdesk/visit_change.html", context, status=422)
    try:
        services.visit_correct(
            visit=visit,
            by=request.user,
            data=corrected_values(form),
            reason=reason_form.cleaned_data["reason"],
        )
    except StaleEdit:
        return _as_it_stands(request, visit, "frontdesk:visit_correct")
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "frontdesk/visit_change.html", context, status=422)
    messages.success(request, _("The visit is corrected."))
    return _after_change(visit)


@login_required
def visit_void(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """Its author or the site's manager voids a visit recorded by mistake, with a reason."""
    visit = _visit_to_change(request, pk)
    if visit.voided_at or hasattr(visit, "superseded_by"):
        return _as_it_stands(request, visit, "frontdesk:visit_void")
    reason_form = ChangeReasonForm(request.POST if request.method == "POST" else None)
    context = _change_context(visit, reason_form=reason_form, voiding=True)
    if request.method != "POST":
        return render(request, "frontdesk/visit_change.html", context)
    if not reason_form.is_valid():
        return render(request, "frontdesk/visit_change.html", context, status=422)
    try:
        services.visit_void(visit=visit, by=request.user, reason=reason_form.cleaned_data["reason"])
    except StaleEdit:
        return _as_it_stands(request, visit, "frontdesk:visit_void")
    messages.success(request, _("The visit is voided: it no longer counts."))
    return _after_change(visit)
