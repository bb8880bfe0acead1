"""What families adds to other pages: the menu entry, the person page's family section, and
the worklist's reassessments due."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.cases.queries import site_today
from orienta.families import queries
from orienta.families.access import reads_instruments, works_on_families
from orienta.people.queries import current_membership

ORDER = 35
WORKLIST_LIMIT = 10
DUE_FIELDS = ("next_due_on", "household__code")


def nav_links(request):
    user = request.user
    if works_on_families(user):
        return [(reverse("families:list"), _("Families"))]
    if reads_instruments(user):
        return [(reverse("families:instruments"), _("Assessment instruments"))]
    return []


def person_panel(request, person):
    """The person's household: its latest category and whether it is accompanied."""
    user = request.user
    if not works_on_families(user):
        return None
    member = current_membership(person)
    if member is None or not queries.households(user).filter(pk=member.household_id).exists():
        return None
    household = member.household
    latest = household.assessments.filter(deleted_at__isnull=True).order_by("-assessed_on").first()
    context = {
        "household": household,
        "latest": latest,
        "enrolment": queries.active_enrolment(household),
    }
    return render_to_string("families/_person_panel.html", context, request=request)


def worklist_panel(request, sites):
    user = request.user
    if not works_on_families(user) or not sites:
        return None
    today = max(site_today(site) for site in sites)
    due = queries.due_reassessments(user, list(sites), today)
    # A line shows the household's code and the date due: only those columns are read.
    due = due.select_related(None).select_related("household").only(*DUE_FIELDS)
    items = list(due[:WORKLIST_LIMIT])
    if not items:
        return None
    context = {"due": items, "today": today}
    return render_to_string("families/_worklist_panel.html", context, request=request)
