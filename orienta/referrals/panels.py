"""What the referrals app adds to the person page, the worklist and the menu."""

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.audit.services import access_log_search
from orienta.cases.models import Case
from orienta.cases.queries import count_label, counted
from orienta.core.access import can_read_persons, can_record, is_headquarters, is_provider
from orienta.core.page_panels import PageAction
from orienta.frontdesk.models import Outcome
from orienta.frontdesk.queries import recent_visit
from orienta.referrals import queries
from orienta.referrals.models import Referral

PANEL_LIMIT = 20
# The lines of each section on the worklist; the whole list is a link away.
WORKLIST_LIMIT = 10


def person_actions(request, person):
    """ "Refer", first of the person page's buttons: on to the referral form from today's visit;
    without one, to the visit form, its outcome already "oriented", which leads there."""
    if not can_record(request.user):
        return []
    visit = recent_visit(request.user, person)
    if visit is None:
        url = reverse("frontdesk:visit_new") + f"?person={person.pk}&outcome={Outcome.ORIENTED}"
    else:
        url = reverse("referrals:new") + f"?person={person.pk}&visit={visit.pk}"
    return [PageAction(url, _("Refer"), rank=10)]


# Sections and menu entries after those of the apps with a smaller ORDER (core.page_panels).
ORDER = 20


def person_panel(request, person):
    """The person's referrals (those the user may see) and the button to refer them."""
    user = request.user
    if not can_read_persons(user):
        return None
    # The panel shows each referral's code, status, service and date: no other row is joined.
    listed = queries.referral_list(user, person=person).select_related(None)
    found = list(listed.select_related("service__organisation")[:PANEL_LIMIT])
    refer = can_record(user)
    context = {
        "person": person,
        "referrals": found,
        "can_refer": refer,
        "open_cases": _open_cases(user, person) if refer else [],
        "visit": recent_visit(user, person) if refer else None,
    }
    return render_to_string("referrals/_person_panel.html", context, request=request)


def _open_cases(user, person):
    """The person's open cases the user may change: a referral can be made from each (not
    from a sensitive case opened by breaking the glass)."""
    return list(
        Case.objects.changeable_by(user)
        .filter(person=person)
        .exclude(status="closed")
        .order_by("-opened_at")[:5]
    )


def worklist_panel(request, sites):
    """Referrals awaiting the provider's answer (overdue first), and those served lately."""
    user = request.user
    if not can_read_persons(user):
        return None
    site_ids = [s.pk for s in sites]
    visible = Referral.objects.visible_to(user)  # the scope's rules, built once for both
    awaiting = queries.awaiting(user, site_ids, visible)
    served = queries.recently_served(user, site_ids, visible=visible)
    # The panel shows each referral's code, status, dates, person and service: only those
    # columns are read (a person's row is wide).
    shown = (*queries.LINE_FIELDS, "answer_due_at", "served_at")
    awaiting, served = (
        qs.select_related(None).select_related("person", "service").only(*shown)
        for qs in (awaiting, served)
    )
    # Both lists' persons are labelled at once (one look-up of the masked ones).
    waiting, recent = list(awaiting[:WORKLIST_LIMIT]), list(served[:WORKLIST_LIMIT])
    queries.label_persons(user, [*waiting, *recent])
    # A list shorter than its limit is its own count; the others are counted in one statement.
    waiting_count, served_count = counted([(waiting, awaiting), (recent, served)], WORKLIST_LIMIT)
    context: dict[str, Any] = {
        "waiting": waiting,
        "waiting_count": waiting_count,
        "waiting_label": count_label(waiting_count),
        "served": recent,
        "served_count": served_count,
        "served_label": count_label(served_count),
        "awaiting": queries.AWAITING,
        "now": timezone.now(),
    }
    access_log_search(
        request,
        query="worklist: referrals awaiting an answer, recently served",
        results=len(context["waiting"]) + len(context["served"]),
        object_type="referral",
    )
    return render_to_string("referrals/_worklist_panel.html", context, request=request)


def nav_links(request):
    user = request.user
    if is_provider(user):
        return [(reverse("referrals:provider_list"), _("Referrals"))]
    links = []
    if can_read_persons(user):
        links.append((reverse("referrals:list"), _("Referrals")))
    if is_headquarters(user):
        links.append((reverse("referrals:metrics"), _("Referral metrics")))
    return links
