"""Front desk pages: the agent's day, the person page, recording a visit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.audit.services import access_log_read, access_log_search
from orienta.core import page_panels as panels
from orienta.core.scoping import PERSONAL_DATA_ROLES, can_record
from orienta.frontdesk import queries, services
from orienta.frontdesk.forms import AnonymousVisitForm, VisitForm
from orienta.frontdesk.models import Outcome
from orienta.people.forms import PersonSearchForm, SiteChoiceForm
from orienta.people.queries import (
    consent_history,
    consent_states,
    current_membership,
    person_for,
)


@login_required
def day(request):
    """Today's visits at the agent's site(s), and the search box that starts every visit."""
    if not can_record(request.user):
        raise PermissionDenied
    site_form = SiteChoiceForm(request.GET or None, user=request.user)
    if site_form.is_bound and not site_form.is_valid():
        raise Http404  # a site the user does not work at
    site = site_form.chosen_site()
    if site is None:
        raise PermissionDenied
    visits = list(queries.visits_today(request.user, site))
    _mask_sensitive(request.user, visits)
    access_log_search(request, query=f"site={site.code}", results=len(visits), object_type="visit")
    context = {
        "site": site,
        "site_form": site_form,
        "visits": visits,
        "summary": queries.day_summary(visits),
        "search_form": PersonSearchForm(),
    }
    return render(request, "frontdesk/day.html", context)


def _mask_sensitive(user, visits) -> None:
    """Persons with a sensitive case the user may not see are listed by their initials."""
    from orienta.cases.queries import masked_person_ids

    masked = masked_person_ids(user, [v.person_id for v in visits])
    for v in visits:
        if v.person is not None:
            v.person.masked = v.person_id in masked


@login_required
def person(request, pk):
    if request.user.role not in PERSONAL_DATA_ROLES:
        raise PermissionDenied
    found = person_for(request.user, pk)
    if str(found.pk) != str(pk):
        return redirect("frontdesk:person", pk=found.pk)
    access_log_read(request, found)
    membership = current_membership(found)
    consent = consent_history(found)
    context = {
        "person": found,
        "consent_events": consent[:3],
        "consent_states": consent_states(found, consent),
        "age": found.age_on(timezone.localdate()),
        "membership": membership,
        "members": membership.household.current_members() if membership else [],
        "visits": queries.person_visits(request.user, found),
        "merges": found.merges_in.select_related("merged_by"),
        "panels": panels.render("person_panel", request, found),
    }
    return render(request, "frontdesk/person.html", context)


@login_required
def visit_new(request):
    """Screen 3: record the visit of a registered person (or anonymous with ?anonymous=1)."""
    if not can_record(request.user):
        raise PermissionDenied
    person_id = request.GET.get("person")
    found = person_for(request.user, person_id) if person_id else None
    if found:
        access_log_read(request, found)
    form_class = VisitForm if found else AnonymousVisitForm
    site_form = SiteChoiceForm(request.POST or None, user=request.user)
    form = form_class(request.POST or None)
    context = {"form": form, "site_form": site_form, "person": found}
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
    if found:
        return redirect("frontdesk:person", pk=found.pk)
    return redirect("frontdesk:day")
