"""Who looked at a person: the log for coordinators and M&E, and the printable account for the
person. Opening either is itself logged.

The access log (orienta.audit) keeps persons as plain ids; the registry says who the log is
about (`log_subject_for`) and shows it.
"""

import zoneinfo
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone, translation

from orienta.audit.models import Action, Channel
from orienta.audit.queries import (
    LogSubject,
    can_read_access_log,
    log_lines,
    person_access_account,
    person_access_entries,
    reads_log_details,
)
from orienta.audit.services import access_log_record
from orienta.core.access import coordinates_country
from orienta.lib.errors import OutOfScope
from orienta.people.models import Person

PAGE_SIZE = 50
MERGE_DEPTH = 5


def log_subject_for(user, pk) -> LogSubject:
    """The person whose log the user may read: 403 for other roles, 404 out of scope.

    Resolved without `person_for` on purpose: M&E has no personal-data scope, and reads here
    only the code and site (the names are not even loaded for them). A merged id leads to the
    record it was merged into. Erased or deleted records keep their log.
    """
    if not can_read_access_log(user):
        raise PermissionDenied
    shows_name = coordinates_country(user)
    scope = Q(site__country_id=user.country_id) if shows_name else Q()
    fields = ["code", "merged_into_id", "deleted_at", "site__code", "site__timezone"]
    fields += ["site__country__language"] + (["given_name", "family_name"] if shows_name else [])
    rows = Person.objects.filter(scope).select_related("site__country").only(*fields).order_by()
    person = rows.filter(pk=pk).first()
    for _hop in range(MERGE_DEPTH):
        if person is None or person.merged_into_id is None:
            break
        person = rows.filter(pk=person.merged_into_id).first()
    if person is None or person.merged_into_id is not None:
        raise OutOfScope("person", pk, person_id=pk)
    return LogSubject(
        pk=person.pk,
        code=person.code,
        site_id=person.site_id,
        site_code=person.site.code,
        timezone=person.site.timezone,
        language=person.site.country.language,
        name=person.full_name if shows_name and person.deleted_at is None else None,
        ids=_with_merged(person.pk),
    )


def _with_merged(pk) -> list[UUID]:
    ids, frontier = [pk], [pk]
    for _hop in range(MERGE_DEPTH):
        frontier = list(
            Person.objects.filter(merged_into__in=frontier).order_by().values_list("pk", flat=True)
        )
        if not frontier:
            break
        ids += frontier
    return ids


def _log_view(request, subject, *, action: str, channel: str, object_type: str) -> None:
    access_log_record(
        request=request,
        action=action,
        channel=channel,
        object_type=object_type,
        object_id=subject.pk,
        person_id=subject.pk,
        site_id=subject.site_id,
    )


@login_required
def person_log(request, pk):
    subject = log_subject_for(request.user, pk)
    if subject.pk != pk:
        return redirect("people:access_log", pk=subject.pk)
    _log_view(request, subject, action=Action.READ, channel=Channel.PAGE, object_type="access_log")
    entries = person_access_entries(subject)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    details = reads_log_details(request.user)
    context = {
        "subject": subject,
        "page": page,
        "lines": log_lines(page.object_list, details=details),
        "details": details,
    }
    return render(request, "audit/person_log.html", context)


@login_required
def person_account(request, pk):
    """The account given to the person: in their language (or ?lang=), dates in their site's
    time zone, staff named by role and office only."""
    subject = log_subject_for(request.user, pk)
    if subject.pk != pk:
        return redirect("people:access_account", pk=subject.pk)
    _log_view(
        request, subject, action=Action.PRINT, channel=Channel.PRINT, object_type="access_account"
    )
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = subject.language
    tz = zoneinfo.ZoneInfo(subject.timezone)
    context = {
        "subject": subject,
        "months": person_access_account(subject, tz),
        "language": language,
        "today": timezone.localdate(timezone=tz),
    }
    with translation.override(language), timezone.override(tz):
        response = render(request, "audit/account.html", context)
    response["Content-Language"] = language
    return response
