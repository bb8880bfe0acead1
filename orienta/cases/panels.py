"""What cases add to other pages: the person page's cases, and menu entries."""

from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.cases.models import Case, Status
from orienta.cases.queries import person_cases
from orienta.core.access import can_read_persons, can_record
from orienta.core.page_panels import PageAction
from orienta.frontdesk.queries import recent_visit


def person_actions(request, person):
    """ "Open a case" among the person page's first buttons: from today's visit when there is
    one (its themes become the case's needs)."""
    if not can_record(request.user):
        return []
    visit = recent_visit(request.user, person)
    query = f"?visit={visit.pk}" if visit else f"?person={person.pk}"
    return [PageAction(reverse("cases:new") + query, _("Open a case"), rank=30)]


# Sections and menu entries after those of the apps with a smaller ORDER (core.page_panels).
ORDER = 10


def person_panel(request, person):
    user = request.user
    if not can_read_persons(user):
        return None
    context = {"person": person, "cases": list(person_cases(user, person)), "user": user}
    context["can_record"] = can_record(user)
    return render_to_string("cases/_person_panel.html", context, request=request)


def site_panel(request, site):
    """How many cases the site holds, by status — counting only the cases the user may see."""
    user = request.user
    if not can_read_persons(user):
        return None
    counts = dict(
        Case.objects.visible_to(user)
        .filter(site=site)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    rows = [(label, counts.get(value, 0)) for value, label in Status.choices]
    return render_to_string("cases/_site_panel.html", {"rows": rows, "site": site}, request=request)


def nav_links(request):
    user = request.user
    links = []
    if can_record(user):
        links.append((reverse("cases:worklist"), _("Worklist")))
    if can_read_persons(user):
        links.append((reverse("cases:list"), _("Cases")))
    return links
