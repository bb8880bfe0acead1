"""Pages of community work: the calendar, sessions, fairs, trainings, an agent's record."""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.audit.services import access_log_search
from orienta.core.access import can_read_persons, can_record
from orienta.core.models import User
from orienta.core.scoping import writable_sites
from orienta.core.types import AuthedRequest
from orienta.frontdesk.models import Channel, Visit
from orienta.lib.errors import OutOfScope, Refused, refused_message
from orienta.lib.indicators import Period
from orienta.outreach import exports, queries, services
from orienta.outreach.attendance import age_bands, grid
from orienta.outreach.forms import (
    ActivityForm,
    FairDetailsForm,
    OutcomeForm,
    ParticipantForm,
    ScoreForm,
    SessionDetailsForm,
    StandForm,
    TrainingForm,
    counts_from_post,
    grid_rows,
)
from orienta.outreach.models import AwarenessSession, Fair, Offer, Topic, Training
from orienta.outreach.services import OfferInput, Place, SessionDetails, attendance_of
from orienta.people.models import Person

View = Callable[..., HttpResponse]


def _reader(view: View) -> View:
    @wraps(view)
    @login_required
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.reads_outreach(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _recorder(view: View) -> View:
    @wraps(view)
    @login_required
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_record(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _writable(request: AuthedRequest, activity: AwarenessSession | Fair | Training) -> None:
    """403 for a reader of the activity who may not change it (another site, a coordinator)."""
    if not services.records_at(request.user, activity.site_id):
        raise PermissionDenied


def _version(request: AuthedRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def _date(text: str | None, default: date | None = None) -> date | None:
    try:
        return parse_date(text or "") or default
    except ValueError:
        return default


# The calendar
# =============================================================================================


def _month(request: AuthedRequest) -> Period:
    try:
        return Period.parse(request.GET.get("month", ""))
    except ValueError:
        return Period.month_of(timezone.localdate())


@_reader
def calendar(request: AuthedRequest) -> HttpResponse:
    """The month's activities of one's site(s), or of the country above a site."""
    period = _month(request)
    sites = list(queries.visible_sites(request.user).select_related("country"))
    chosen = next((s for s in sites if s.code == request.GET.get("site")), None)
    days = queries.calendar(request.user, period, site_ids=[chosen.pk] if chosen else None)
    context = {
        "period": period,
        "previous": period.previous(),
        "next": Period(period.end, Period.month_of(period.end).end),
        "days": days,
        "sites": sites if len(sites) > 1 else [],
        "chosen": chosen,
        "can_record": can_record(request.user),
    }
    return render(request, "outreach/calendar.html", context)


@_reader
def export(request: AuthedRequest) -> HttpResponse:
    """The month's (or the period's) activities and their counts as a spreadsheet."""
    period = _month(request)
    content = exports.activities_xlsx(request.user, period)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="outreach-{period.code}.xlsx"'
    return response


# Planning or recording an activity
# =============================================================================================


def _new_activity(request: AuthedRequest, kind: str) -> HttpResponse:
    sites = list(writable_sites(request.user))
    if kind == "training":
        form: ActivityForm = TrainingForm(
            request.POST or None, sites=writable_sites(request.user), curricula=queries.curricula()
        )
    else:
        form = ActivityForm(request.POST or None, sites=writable_sites(request.user))
    held = request.GET.get("held") == "1" or request.POST.get("held") == "1"
    bands = age_bands()
    attendance = services.Attendance()
    if request.method == "POST" and form.is_valid():
        try:
            activity = _create(request, kind, form, held, bands)
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect(_url(kind, activity))
    counts = grid_rows(attendance, bands, request.POST if request.method == "POST" else None)
    context = {
        "form": form,
        "kind": kind,
        "held": held,
        "grid": counts,
        "bands": bands.codes(),
        "sites": sites,
    }
    return render(request, "outreach/new.html", context)


def _create(
    request: AuthedRequest, kind: str, form: ActivityForm, held: bool, bands: Any
) -> AwarenessSession | Fair | Training:
    data = form.cleaned_data
    place = Place(title=data["title"])
    held_on = data["planned_on"] if held else None
    if kind == "training":
        return services.training_create(
            site=data["site"],
            curriculum=data["curriculum"],
            place=place,
            planned_on=data["planned_on"],
            held_on=held_on,
            trainer=data["trainer"],
            by=request.user,
        )
    attendance = counts_from_post(request.POST, bands) if held else None
    total = request.POST.get("total", "").strip()
    create = services.session_create if kind == "session" else services.fair_create
    return create(
        site=data["site"],
        place=place,
        planned_on=data["planned_on"],
        held_on=held_on,
        attendance=attendance,
        total=int(total) if total.isdigit() else None,
        by=request.user,
    )


def _url(kind: str, activity: AwarenessSession | Fair | Training) -> str:
    return reverse(f"outreach:{kind}", args=[activity.pk])


@_recorder
def session_new(request: AuthedRequest) -> HttpResponse:
    return _new_activity(request, "session")


@_recorder
def fair_new(request: AuthedRequest) -> HttpResponse:
    return _new_activity(request, "fair")


@_recorder
def training_new(request: AuthedRequest) -> HttpResponse:
    return _new_activity(request, "training")


def _counts(request: AuthedRequest, kind: str, activity: AwarenessSession | Fair) -> HttpResponse:
    """The quick entry after the activity: the date held and the counts grid."""
    _writable(request, activity)
    bands = age_bands()
    stored = attendance_of(activity)
    if request.method == "POST":
        held_on = _date(request.POST.get("held_on"), timezone.localdate())
        try:
            attendance = counts_from_post(request.POST, bands)
            _record(activity, attendance, held_on, request, request.POST.get("total", ""))
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The counts are saved."))
            return redirect(_url(kind, activity))
    post = request.POST if request.method == "POST" else None
    context = {
        "activity": activity,
        "kind": kind,
        "grid": grid_rows(stored, bands, post),
        "bands": bands.codes(),
        "today": timezone.localdate(),
    }
    return render(request, "outreach/counts.html", context)


def _record(
    activity: AwarenessSession | Fair,
    attendance: services.Attendance,
    held_on: date | None,
    request: AuthedRequest,
    total: str,
) -> None:
    total = total.strip()
    arguments: dict[str, Any] = {
        "attendance": attendance,
        "held_on": held_on or timezone.localdate(),
        "by": request.user,
        "version": _version(request),
        "total": int(total) if total.isdigit() else None,
    }
    if isinstance(activity, AwarenessSession):
        services.session_record(session=activity, **arguments)
    else:
        services.fair_record(fair=activity, **arguments)


@_reader
def session_counts(request: AuthedRequest, pk: UUID) -> HttpResponse:
    return _counts(request, "session", queries.session_for(request.user, pk))


@_reader
def fair_counts(request: AuthedRequest, pk: UUID) -> HttpResponse:
    return _counts(request, "fair", queries.fair_for(request.user, pk))


@_reader
@require_POST
def cancel(request: AuthedRequest, kind: str, pk: UUID) -> HttpResponse:
    activity: AwarenessSession | Fair | Training
    if kind == "session":
        activity = queries.session_for(request.user, pk)
    elif kind == "fair":
        activity = queries.fair_for(request.user, pk)
    elif kind == "training":
        activity = queries.training_for(request.user, pk)
    else:
        raise OutOfScope(kind, pk)
    _writable(request, activity)
    try:
        services.activity_cancel(activity=activity, by=request.user, version=_version(request))
    except Refused as exc:
        refused_message(request, exc)
    return redirect(_url(kind, activity))


# Awareness sessions
# =============================================================================================


@_reader
def session(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.session_for(request.user, pk)
    attendance = attendance_of(found)
    attendees = queries.session_attendees(request.user, found)
    context = {
        "activity": found,
        "kind": "session",
        "attendance": attendance,
        "lines": grid(attendance),
        "bands": age_bands().codes(),
        "themes": list(found.themes.all()),
        "topic_labels": [str(Topic(t).label) for t in found.topics if t in Topic.values],
        "facilitators": list(found.facilitators.all()),
        "attendees": attendees,
        "named": found.attendees.count(),
        "followups": queries.session_followups(found),
        "linkable": queries.linkable_visits(request.user, found, Channel.OUTREACH),
        "writer": services.records_at(request.user, found.site_id),
        "reads_persons": can_read_persons(request.user),
    }
    if attendees:
        # The page names persons: the list is logged like any list of persons.
        access_log_search(
            request,
            query=f"session={found.pk} attendees",
            results=len(attendees),
            object_type="session",
        )
    return render(request, "outreach/session.html", context)


@_reader
def session_edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.session_for(request.user, pk)
    _writable(request, found)
    initial = {
        "title": found.title,
        "area": found.area,
        "locality": found.locality,
        "notes": found.notes,
        "venue_type": found.venue_type,
        "format": found.format,
        "themes": [f"theme:{t.pk}" for t in found.themes.all()]
        + [f"topic:{t}" for t in found.topics],
        "facilitators": list(found.facilitators.all()),
        "partner_facilitators": found.partner_facilitators,
        "materials": found.materials,
        "questions": found.questions,
    }
    form = SessionDetailsForm(
        request.POST or None, initial=initial, site=found.site, staff=queries.site_staff(found.site)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        themes, topics = form.split_themes()
        details = SessionDetails(
            venue_type=data["venue_type"],
            format=data["format"],
            themes=themes,
            topics=topics,
            facilitators=list(data["facilitators"]),
            partner_facilitators=data["partner_facilitators"],
            materials=data["materials"],
            questions=data["questions"],
        )
        try:
            services.session_describe(
                session=found,
                place=form.place(),
                details=details,
                by=request.user,
                version=_version(request),
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect(_url("session", found))
    return render(
        request, "outreach/edit.html", {"form": form, "activity": found, "kind": "session"}
    )


@_reader
@require_POST
def session_attendee(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """Name an attendee by the person's code, or remove one (`remove`: the person's id)."""
    found = queries.session_for(request.user, pk)
    _writable(request, found)
    try:
        if request.POST.get("remove"):
            person = _person(request, request.POST["remove"], by_id=True)
            services.session_attendee_remove(session=found, person=person, by=request.user)
        else:
            person = _person(request, request.POST.get("code", ""))
            services.session_attendee_add(session=found, person=person, by=request.user)
    except Refused as exc:
        refused_message(request, exc)
    return redirect(_url("session", found))


def _person(request: AuthedRequest, text: str, *, by_id: bool = False) -> Person:
    qs = Person.objects.visible_to(request.user)
    text = text.strip()
    if by_id:
        found = qs.filter(pk=text).first() if _is_uuid(text) else None
    else:
        found = qs.filter(code__iexact=text).first() if text else None
    if found is None:
        raise services.BadInput(_("No person of your sites has this code."))
    return found


def _uuid_or_none(text: str) -> UUID | None:
    return UUID(text) if _is_uuid(text) else None


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def _visit(request: AuthedRequest) -> Visit:
    text = request.POST.get("visit", "")
    found = (
        Visit.objects.visible_to(request.user).current().filter(pk=text).first()
        if _is_uuid(text)
        else None
    )
    if found is None:
        raise services.BadInput(_("Choose a visit of the list."))
    return found


@_reader
@require_POST
def session_visit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.session_for(request.user, pk)
    _writable(request, found)
    try:
        services.session_visit_link(session=found, visit=_visit(request), by=request.user)
    except Refused as exc:
        refused_message(request, exc)
    return redirect(_url("session", found))


# Fairs
# =============================================================================================


@_reader
def fair(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.fair_for(request.user, pk)
    attendance = attendance_of(found)
    visits = queries.fair_visits(request.user, found)
    outcomes = queries.fair_outcomes(request.user, found)
    stands = list(
        found.stands.filter(deleted_at__isnull=True)
        .select_related("organisation")
        .prefetch_related("offers")
    )
    context = {
        "activity": found,
        "kind": "fair",
        "attendance": attendance,
        "lines": grid(attendance),
        "bands": age_bands().codes(),
        "stands": stands,
        "visits": visits,
        "visit_count": queries.fair_visit_count(found),
        "outcomes": outcomes,
        "outcome_counts": queries.fair_outcome_counts(found),
        "linkable": queries.linkable_visits(request.user, found, Channel.FAIR),
        "writer": services.records_at(request.user, found.site_id),
        "today": timezone.localdate(),
    }
    if visits or outcomes:
        # The page names the persons met at the fair: logged like any list of persons.
        access_log_search(
            request,
            query=f"fair={found.pk} persons",
            results=len(visits) + len(outcomes),
            object_type="fair",
        )
    return render(request, "outreach/fair.html", context)


@_reader
def fair_edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.fair_for(request.user, pk)
    _writable(request, found)
    initial = {
        "title": found.title,
        "area": found.area,
        "locality": found.locality,
        "notes": found.notes,
        "venue": found.venue,
    }
    form = FairDetailsForm(request.POST or None, initial=initial, site=found.site)
    if request.method == "POST" and form.is_valid():
        try:
            services.fair_describe(
                fair=found,
                place=form.place(),
                venue=form.cleaned_data["venue"],
                by=request.user,
                version=_version(request),
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect(_url("fair", found))
    return render(request, "outreach/edit.html", {"form": form, "activity": found, "kind": "fair"})


@_reader
def fair_stand(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.fair_for(request.user, pk)
    _writable(request, found)
    form = StandForm(request.POST or None, site=found.site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        offers = []
        if data["offer_kind"] or data["offer_title"]:
            offers.append(
                OfferInput(data["offer_kind"], data["offer_title"], data["offer_places"] or 0)
            )
        try:
            services.stand_add(
                fair=found,
                organisation=data["organisation"],
                name=data["name"],
                services=data["services"],
                offers=offers,
                by=request.user,
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect(_url("fair", found))
    return render(request, "outreach/stand.html", {"form": form, "activity": found})


@_reader
@require_POST
def fair_visit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.fair_for(request.user, pk)
    _writable(request, found)
    try:
        services.fair_visit_link(fair=found, visit=_visit(request), by=request.user)
    except Refused as exc:
        refused_message(request, exc)
    return redirect(_url("fair", found))


@_reader
@require_POST
def fair_outcome(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.fair_for(request.user, pk)
    _writable(request, found)
    form = OutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise services.BadInput(_("Choose an outcome and its date."))
        data = form.cleaned_data
        person = _person(request, str(data["person"]), by_id=True)
        offer_id = _uuid_or_none(request.POST.get("offer", ""))
        offer = Offer.objects.filter(stand__fair=found, pk=offer_id).first() if offer_id else None
        services.fair_outcome_record(
            fair=found,
            person=person,
            kind=data["kind"],
            on=data["on"],
            offer=offer,
            by=request.user,
        )
    except Refused as exc:
        refused_message(request, exc)
    return redirect(_url("fair", found))


# Trainings of agents
# =============================================================================================


@_reader
def training(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.training_for(request.user, pk)
    writer = services.records_at(request.user, found.site_id)
    participants = list(
        found.participants.filter(deleted_at__isnull=True).select_related("user", "organisation")
    )
    form = (
        ParticipantForm(site=found.site, agents=queries.country_agents(found.site))
        if writer
        else None
    )
    context = {
        "activity": found,
        "kind": "training",
        "participants": participants,
        "form": form,
        "writer": writer,
        "today": timezone.localdate(),
    }
    return render(request, "outreach/training.html", context)


@_reader
@require_POST
def training_held(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.training_for(request.user, pk)
    _writable(request, found)
    try:
        held_on = _date(request.POST.get("held_on"))
        if held_on is None:
            raise services.BadInput(_("Give the date the training was held."))
        services.training_record(
            training=found, held_on=held_on, by=request.user, version=_version(request)
        )
    except Refused as exc:
        refused_message(request, exc)
    return redirect(_url("training", found))


@_reader
@require_POST
def participant_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.training_for(request.user, pk)
    _writable(request, found)
    form = ParticipantForm(request.POST, site=found.site, agents=queries.country_agents(found.site))
    try:
        if not form.is_valid():
            raise services.BadInput(_("Choose an agent or write the participant's name."))
        data = form.cleaned_data
        services.participant_add(
            training=found,
            user=data["user"],
            name=data["name"],
            organisation=data["organisation"],
            by=request.user,
        )
    except Refused as exc:
        refused_message(request, exc)
    return redirect(_url("training", found))


@_reader
@require_POST
def participant_score(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.participant_for(request.user, pk)
    _writable(request, found.training)
    form = ScoreForm(request.POST)
    try:
        if not form.is_valid():
            raise services.BadInput(_("A test score is between 0 and 100."))
        data = form.cleaned_data
        services.participant_score(
            participant=found,
            attended=data["attended"],
            pre_score=data["pre_score"],
            post_score=data["post_score"],
            by=request.user,
        )
    except Refused as exc:
        refused_message(request, exc)
    return redirect(_url("training", found.training))


@_reader
def agent(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """An agent's training record: the trainings followed, attendance and scores."""
    found: User = queries.agent_for(request.user, pk)
    return render(
        request, "outreach/agent.html", {"agent": found, "record": queries.training_record(found)}
    )
