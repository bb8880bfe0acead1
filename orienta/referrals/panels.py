"""What the referrals app adds to the person page, the worklist and the menu."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.audit.services import access_log_search
from orienta.core.models import Role
from orienta.core.scoping import PERSONAL_DATA_ROLES, can_record
from orienta.referrals import queries

PANEL_LIMIT = 20


def person_panel(request, person):
    """The person's referrals (those the user may see) and the button to refer them."""
    user = request.user
    if user.role not in PERSONAL_DATA_ROLES:
        return None
    found = list(queries.referral_list(user, person=person)[:PANEL_LIMIT])
    refer = can_record(user)
    context = {
        "person": person,
        "referrals": found,
        "can_refer": refer,
        "open_cases": _open_cases(user, person) if refer else [],
        "visit": _recent_visit(user, person) if refer else None,
    }
    return render_to_string("referrals/_person_panel.html", context, request=request)


def _open_cases(user, person):
    """The person's open cases at the user's sites: a referral can be made for each."""
    from orienta.cases.models import Case

    return list(
        Case.objects.visible_to(user)
        .filter(person=person, site__in=user.sites.all())
        .exclude(status="closed")
        .order_by("-opened_at")[:5]
    )


def _recent_visit(user, person):
    """The person's visit of the last hours at the user's sites: a referral made now comes
    from it."""
    from orienta.frontdesk.models import Visit

    since = timezone.now() - timezone.timedelta(hours=12)
    return (
        Visit.objects.visible_to(user)
        .current()
        .filter(person=person, site__in=user.sites.all(), occurred_at__gte=since)
        .order_by("-occurred_at")
        .first()
    )


def worklist_panel(request, sites):
    """Referrals awaiting the provider's answer (overdue first), and those served lately."""
    user = request.user
    if user.role not in PERSONAL_DATA_ROLES:
        return None
    site_ids = [s.pk for s in sites]
    waiting = queries.label_persons(user, queries.awaiting(user, site_ids)[:PANEL_LIMIT])
    served = queries.label_persons(user, queries.recently_served(user, site_ids)[:PANEL_LIMIT])
    access_log_search(
        request,
        query="worklist: referrals awaiting an answer, recently served",
        results=len(waiting) + len(served),
        object_type="referral",
    )
    context = {"waiting": waiting, "served": served, "now": timezone.now()}
    return render_to_string("referrals/_worklist_panel.html", context, request=request)


def nav_links(request):
    user = request.user
    if user.role == Role.PROVIDER:
        return [(reverse("referrals:provider_list"), _("Referrals"))]
    links = []
    if user.role in PERSONAL_DATA_ROLES:
        links.append((reverse("referrals:list"), _("Referrals")))
    if user.role == Role.ME:
        links.append((reverse("referrals:metrics"), _("Referral metrics")))
    return links
