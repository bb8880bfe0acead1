"""The fund's sections of other pages: the person's requests, and the menu entry."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.cases.services import can_change
from orienta.core.access import (
    can_read_persons,
    can_record,
    is_provider,
    is_site_manager,
    uses_fund,
)
from orienta.core.scoping import assigned_site_ids
from orienta.fund import queries

# Sections and menu entries after those of the apps with a smaller ORDER (core.page_panels).
ORDER = 30


def nav_links(request):
    user = request.user
    if uses_fund(user):
        return [(reverse("fund:home"), _("Support fund"))]
    if is_provider(user):
        return [(reverse("fund:statements"), _("Statements"))]
    return []


def person_panel(request, person):
    """The person's fund requests (the person page itself logs the read of the person)."""
    user = request.user
    if not can_read_persons(user):
        return None
    # The panel shows each request's provider; the person is the page's.
    listed = queries.request_list(user, person=person).select_related(None)
    found = list(listed.select_related("provider")[:20])
    may_request = can_record(user) and person.site_id in assigned_site_ids(user)
    if not found and not may_request:
        return None
    return render_to_string(
        "fund/_person_panel.html",
        {"requests": found, "person": person, "may_request": may_request},
        request=request,
    )


def site_panel(request, site):
    """The position of the site's fund, for those who may see it."""
    from django.utils import timezone

    if not queries.sites_with_fund(request.user).filter(pk=site.pk).exists():
        return None
    (row,) = queries.positions([site], on=timezone.localdate())
    return render_to_string("fund/_site_panel.html", {"row": row}, request=request)


def worklist_panel(request, sites):
    """For a site manager: the requests awaiting their decision, and those to pay."""
    user = request.user
    if not is_site_manager(user):
        return None
    waiting, to_pay = queries.queue_counts(user, sites)
    if not (waiting or to_pay):
        return None
    return render_to_string(
        "fund/_worklist_panel.html", {"waiting": waiting, "to_pay": to_pay}, request=request
    )


def referral_fund_status(referral):
    """For the referral's slip: "paid", "approved", "requested" or None (see
    orienta.core.page_panels)."""
    return queries.referral_fund_status(referral)


def referral_panel(request, referral):
    """The referral's fund requests and their state; while none is awaiting approval, approved
    or paid, the staff of the person's site may ask the fund to pay the fee (the form opens
    with the referral's service, cost option and price) — from a case, only those who may
    change it (not who broke the glass to read a sensitive one)."""
    from orienta.fund.models import SPENDING_STATUSES
    from orienta.fund.refs import priced_option

    user = request.user
    if not can_read_persons(user):
        return None
    found = list(
        queries.referral_requests(referral).filter(
            pk__in=queries.requests_visible(user).values("pk")
        )[:20]
    )
    person = referral.person
    covered = any(r.status in SPENDING_STATUSES for r in found)
    may_request = (
        not covered
        and can_record(user)
        and person.site_id in assigned_site_ids(user)
        and (referral.case is None or can_change(user, referral.case))
        and priced_option(referral.service, person.site.country.currency) is not None
    )
    if not found and not may_request:
        return None
    return render_to_string(
        "fund/_referral_panel.html",
        {"requests": found, "referral": referral, "may_request": may_request},
        request=request,
    )
