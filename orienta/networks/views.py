"""Pages of the networks: the resource centre, the GTPS, the diagnostics.

Reading goes through `queries` (an id out of scope is a 404); writing is a manager's of the
record's country (a reader who may not write gets a 403).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.core.access import (
    manages_networks,
    reads_aggregates_only,
    reads_networks,
    reads_resource_centre,
)
from orienta.core.types import AnyUser, AuthedRequest
from orienta.lib.errors import OutOfScope, Refused
from orienta.networks import exports, files, queries, services
from orienta.networks.diagnostics import study_tables
from orienta.networks.forms import (
    ActionForm,
    ActionUpdateForm,
    DocumentEditForm,
    DocumentForm,
    GroupEditForm,
    GroupForm,
    ImportForm,
    MeetingForm,
    MeetingRecordForm,
    MemberForm,
    ParticipantForm,
    PublishForm,
    RemoveForm,
    StudyForm,
    SupportForm,
)
from orienta.networks.models import (
    ActionStatus,
    Document,
    DocumentKind,
    Language,
    MeetingStatus,
    ResourceTheme,
    StudyStatus,
)
from orienta.networks.services import ActionInput, DocumentInput, StudyInput, SupportInput

View = Callable[..., HttpResponseBase]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _needs(predicate: Callable[[AnyUser | None], bool]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


_library = _needs(reads_resource_centre)
_gtps = _needs(queries.reads_gtps)
_diagnostics = _needs(reads_networks)
_manager = _needs(manages_networks)


def _manages(request: AuthedRequest, country_id: UUID) -> None:
    """403 for a reader of the record who may not change it."""
    if not manages_networks(request.user, country_id):
        raise PermissionDenied


def _manages_document(user: AnyUser | None, document: Document) -> bool:
    """A country's document: its managers; a document of every country: M&E and
    administrators."""
    if document.country_id is None:
        return reads_aggregates_only(user)
    return manages_networks(user, document.country_id)


def _removal(request: AuthedRequest, remove: Callable[..., None], done: str, **target: Any) -> bool:
    """Run a removal of the version the page showed; True when it is done."""
    form = RemoveForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        remove(**target, version=version, by=request.user)
    except Refused as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


# The resource centre
# =============================================================================================


@_library
def resources(request: AuthedRequest) -> HttpResponse:
    """The library, searchable by text, theme, language and kind; the support given to CSOs."""
    get = request.GET
    chosen = {
        "text": get.get("q", "").strip()[:100],
        "theme": get.get("theme", "") if get.get("theme") in ResourceTheme.values else "",
        "language": get.get("language", "") if get.get("language") in Language.values else "",
        "kind": get.get("kind", "") if get.get("kind") in DocumentKind.values else "",
    }
    documents = list(queries.documents(request.user, **chosen)[: queries.LIMIT])
    for document in documents:
        document.editable = _manages_document(request.user, document)  # type: ignore[attr-defined]
    context = {
        "documents": documents,
        "chosen": chosen,
        "themes": ResourceTheme.choices,
        "languages": Language.choices,
        "kinds": DocumentKind.choices,
        "supports": list(queries.supports(request.user)[:50]),
        "manager": manages_networks(request.user),
        "reads_gtps": queries.reads_gtps(request.user),
        "reads_diagnostics": reads_networks(request.user),
    }
    return render(request, "networks/resources.html", context)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@_library
def resources_export(request: AuthedRequest) -> HttpResponse:
    """The library and the support given to CSOs, as the user reads them, as XLSX."""
    return _xlsx(exports.resources_xlsx(request.user), "resource-centre.xlsx")


@_manager
def document_new(request: AuthedRequest) -> HttpResponse:
    everywhere = queries.user_country_ids(request.user) is None
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        countries=queries.countries_managed(request.user),
        everywhere=everywhere,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_add(
                country=data["country"],
                data=DocumentInput(
                    data["title"],
                    data["kind"],
                    data["theme"],
                    data["language"],
                    data["description"],
                ),
                file=data["file"],
                by=request.user,
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The document is in the library."))
            return redirect("networks:resources")
    return render(request, "networks/form.html", _form(form, _("Add a document"), "resources"))


def _form(form: Any, title: str, back: str, **extra: Any) -> dict[str, Any]:
    return {"form": form, "title": title, "back": back, "multipart": True} | extra


@_library
def document_file(request: AuthedRequest, pk: UUID) -> FileResponse:
    return files.document_download(queries.document_for(request.user, pk))


@_manager
def document_edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.document_for(request.user, pk)
    if not _manages_document(request.user, found):
        raise PermissionDenied
    initial = {name: getattr(found, name) for name in ("title", "kind", "theme", "language")}
    initial |= {"description": found.description, "version": found.version}
    form = DocumentEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_edit(
                document=found,
                data=DocumentInput(
                    data["title"],
                    data["kind"],
                    data["theme"],
                    data["language"],
                    data["description"],
                ),
                file=data["file"],
                version=data["version"],
                by=request.user,
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The document is saved."))
            return redirect("networks:resources")
    context = _form(form, _("Change the document"), "resources") | {
        "remove_url": reverse("networks:document_remove", args=[found.pk]),
        "remove_label": _("Remove the document from the library"),
        "version": found.version,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "networks/form.html", context, status=status)


@require_POST
@_manager
def document_remove(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.document_for(request.user, pk)
    if not _manages_document(request.user, found):
        raise PermissionDenied
    done = _("The document is removed from the library.")
    if _removal(request, services.document_remove, done, document=found):
        return redirect("networks:resources")
    return redirect("networks:document_edit", found.pk)


@_manager
def support_new(request: AuthedRequest) -> HttpResponse:
    countries = queries.countries_managed(request.user)
    form = SupportForm(
        request.POST or None,
        countries=countries,
        organisations=queries.organisations_for(request.user).filter(kind="cso"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support = services.support_record(
                country=data["country"],
                data=SupportInput(
                    data["kind"],
                    data["topic"],
                    data["on"],
                    data["theme"],
                    data["facilitator"],
                    data["notes"],
                ),
                organisations=list(data["organisations"]),
                by=request.user,
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect("networks:support", support.pk)
    title = _("Record a training or coaching session")
    return render(request, "networks/form.html", _form(form, title, "resources"))


@_library
def support(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.support_for(request.user, pk)
    manager = manages_networks(request.user, found.country_id)
    form = ParticipantForm(organisations=found.organisations.all()) if manager else None
    participants = queries.participants_of(request.user, [found])[found.pk]
    context = {
        "support": found,
        "names": queries.reads_attendance_names(request.user),
        "participants": participants,
        "women": sum(1 for p in participants if p.sex == "female"),
        "men": sum(1 for p in participants if p.sex == "male"),
        "form": form,
    }
    return render(request, "networks/support.html", context)


@require_POST
@_manager
def participant_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.support_for(request.user, pk)
    _manages(request, found.country_id)
    form = ParticipantForm(request.POST, organisations=found.organisations.all())
    if not form.is_valid():
        messages.error(request, _("Give the participant's name, sex and organisation."))
        return redirect("networks:support", found.pk)
    data = form.cleaned_data
    try:
        services.support_participant_add(
            support=found,
            name=data["name"],
            sex=data["sex"],
            organisation=data["organisation"],
            position=data["position"],
            by=request.user,
        )
    except Refused as exc:
        messages.error(request, exc.message)
    return redirect("networks:support", found.pk)


# GTPS
# =============================================================================================


@_gtps
def gtps(request: AuthedRequest) -> HttpResponse:
    context = {
        "groups": queries.group_list(request.user),
        "manager": manages_networks(request.user),
    }
    return render(request, "networks/gtps.html", context)


@_gtps
def gtps_export(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(exports.gtps_xlsx(request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="gtps.xlsx"'
    return response


@_manager
def group_new(request: AuthedRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, countries=queries.countries_managed(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                country=data["country"],
                area=data["area"],
                name=data["name"],
                mandate=data["mandate"],
                by=request.user,
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect("networks:group", group.pk)
    return render(request, "networks/form.html", _form(form, _("New working group"), "gtps"))


@_gtps
def group(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.group_for(request.user, pk)
    manager = manages_networks(request.user, found.country_id)
    organisations = queries.organisations_for(request.user, found.country_id)
    context = {
        "group": found,
        "members": queries.members_of(found),
        "meetings": queries.meetings_of(found),
        "actions": queries.actions_of(found),
        "manager": manager,
        "member_form": MemberForm(organisations=organisations) if manager else None,
        "today": timezone.localdate(),
    }
    return render(request, "networks/group.html", context)


@_manager
def group_edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.group_for(request.user, pk)
    _manages(request, found.country_id)
    initial = {
        "name": found.name,
        "area": found.area,
        "mandate": found.mandate,
        "version": found.version,
    }
    form = GroupEditForm(request.POST or None, initial=initial, country=found.country)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_edit(
                group=found,
                area=data["area"],
                name=data["name"],
                mandate=data["mandate"],
                version=data["version"],
                by=request.user,
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The working group is saved."))
            return redirect("networks:group", found.pk)
    context = _form(form, _("Change the working group"), "gtps", group=found) | {
        "remove_url": reverse("networks:group_remove", args=[found.pk]),
        "remove_label": _("Remove the working group"),
        "remove_warning": _(
            "Its members, meetings and actions are removed with it, and no longer count in "
            "the results."
        ),
        "version": found.version,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "networks/form.html", context, status=status)


@require_POST
@_manager
def group_remove(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.group_for(request.user, pk)
    _manages(request, found.country_id)
    done = _("The working group is removed.")
    if _removal(request, services.group_remove, done, group=found):
        return redirect("networks:gtps")
    return redirect("networks:group_edit", found.pk)


@_manager
def member_edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.member_for(request.user, pk)
    group = found.group
    _manages(request, group.country_id)
    organisations = queries.organisations_for(request.user, group.country_id)
    initial = {
        "organisation": found.organisation,
        "name": found.name,
        "position": found.position,
        "sector": found.sector,
        "version": found.version,
    }
    form = MemberForm(request.POST or None, initial=initial, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_edit(
                member=found,
                organisation=data["organisation"],
                name=data["name"],
                sector=data["sector"],
                position=data["position"],
                version=data["version"],
                by=request.user,
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The member is saved."))
            return redirect("networks:group", group.pk)
    title = _("Change a member of %(group)s") % {"group": group.name}
    context = _form(form, title, "gtps", group=group) | {
        "remove_url": reverse("networks:member_remove", args=[found.pk]),
        "remove_label": _("Remove this member from the group"),
        "version": found.version,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "networks/form.html", context, status=status)


@require_POST
@_manager
def member_remove(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.member_for(request.user, pk)
    _manages(request, found.group.country_id)
    done = _("The member is removed from the group.")
    if _removal(request, services.member_remove, done, member=found):
        return redirect("networks:group", found.group_id)
    return redirect("networks:member_edit", found.pk)


@require_POST
@_manager
def member_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.group_for(request.user, pk)
    _manages(request, found.country_id)
    organisations = queries.organisations_for(request.user, found.country_id)
    form = MemberForm(request.POST, organisations=organisations)
    if not form.is_valid():
        messages.error(request, _("Choose the member's organisation or give a name, and a sector."))
        return redirect("networks:group", found.pk)
    data = form.cleaned_data
    try:
        services.member_add(
            group=found,
            organisation=data["organisation"],
            name=data["name"],
            sector=data["sector"],
            position=data["position"],
            by=request.user,
        )
    except Refused as exc:
        messages.error(request, exc.message)
    return redirect("networks:group", found.pk)


@_manager
def meeting_new(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.group_for(request.user, pk)
    _manages(request, found.country_id)
    form = MeetingForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_plan(
                group=found,
                on=form.cleaned_data["on"],
                agenda=form.cleaned_data["agenda"],
                by=request.user,
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect("networks:meeting", meeting.pk)
    title = _("Plan a meeting of %(group)s") % {"group": found.name}
    return render(request, "networks/form.html", _form(form, title, "gtps", group=found))


@_gtps
def meeting(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.meeting_for(request.user, pk)
    manager = manages_networks(request.user, found.group.country_id)
    form = None
    if manager:
        members = found.group.members.filter(deleted_at__isnull=True).select_related("organisation")
        form = MeetingRecordForm(
            members=members,
            initial={
                "held_on": found.on if found.on <= timezone.localdate() else timezone.localdate(),
                "attendees": list(queries.attendee_ids(found)),
                "minutes": found.minutes,
                "decisions": found.decisions,
                "version": found.version,
            },
        )
    context = {
        "meeting": found,
        "attendees": list(found.attendees.all()),
        "actions": list(found.actions.filter(deleted_at__isnull=True).select_related("lead")),
        "form": form,
        "manager": manager,
        "held": found.status == MeetingStatus.HELD,
    }
    return render(request, "networks/meeting.html", context)


@require_POST
@_manager
def meeting_record(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.meeting_for(request.user, pk)
    _manages(request, found.group.country_id)
    members = found.group.members.filter(deleted_at__isnull=True)
    form = MeetingRecordForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("Give the date the meeting was held."))
        return redirect("networks:meeting", found.pk)
    data = form.cleaned_data
    try:
        services.meeting_record(
            meeting=found,
            held_on=data["held_on"],
            attendees=list(data["attendees"]),
            minutes=data["minutes"],
            decisions=data["decisions"],
            version=data["version"],
            by=request.user,
        )
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The meeting is recorded as held."))
    return redirect("networks:meeting", found.pk)


@_manager
def action_new(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.group_for(request.user, pk)
    _manages(request, found.country_id)
    organisations = queries.organisations_for(request.user, found.country_id)
    form = ActionForm(request.POST or None, organisations=organisations)
    meeting = None
    if meeting_id := request.GET.get("meeting"):
        meeting = next((m for m in queries.meetings_of(found) if str(m.pk) == meeting_id), None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_create(
                group=found,
                data=ActionInput(
                    data["title"], data["deadline"], data["lead"], data["policy"], meeting
                ),
                by=request.user,
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect("networks:action", action.pk)
    title = _("New action of %(group)s") % {"group": found.name}
    return render(request, "networks/form.html", _form(form, title, "gtps", group=found))


@_gtps
def action(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.action_for(request.user, pk)
    manager = manages_networks(request.user, found.group.country_id)
    open_ = found.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
    form = None
    if manager and open_:
        form = ActionUpdateForm(
            initial={"status": found.status, "on": timezone.localdate(), "version": found.version}
        )
    context = {
        "action": found,
        "history": queries.history_of(found),
        "form": form,
        "late": found.is_late(timezone.localdate()),
    }
    return render(request, "networks/action.html", context)


@require_POST
@_manager
def action_update(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.action_for(request.user, pk)
    _manages(request, found.group.country_id)
    form = ActionUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the status and the date."))
        return redirect("networks:action", found.pk)
    data = form.cleaned_data
    try:
        services.action_update(
            action=found,
            status=data["status"],
            on=data["on"],
            note=data["note"],
            version=data["version"],
            by=request.user,
        )
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The action's progress is recorded."))
    return redirect("networks:action", found.pk)


# Diagnostics
# =============================================================================================


@_diagnostics
def diagnostics(request: AuthedRequest) -> HttpResponse:
    context = {
        "studies": list(queries.studies(request.user)[: queries.LIMIT]),
        "manager": manages_networks(request.user),
    }
    return render(request, "networks/diagnostics.html", context)


@_manager
def study_new(request: AuthedRequest) -> HttpResponse:
    form = StudyForm(
        request.POST or None,
        countries=queries.countries_managed(request.user),
        organisations=queries.organisations_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            study = services.study_create(
                country=data["country"],
                data=StudyInput(
                    data["title"],
                    data["starts_on"],
                    data["ends_on"],
                    data["area"],
                    data["questionnaire"],
                ),
                partners=list(data["partners"]),
                by=request.user,
            )
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            return redirect("networks:study", study.pk)
    return render(request, "networks/form.html", _form(form, _("New diagnostic"), "diagnostics"))


def _study_page(
    request: AuthedRequest, pk: UUID, *, errors: services.ImportRefused | None = None
) -> HttpResponse:
    found = queries.study_for(request.user, pk)
    manager = manages_networks(request.user, found.country_id)
    published = found.status == StudyStatus.PUBLISHED
    context = {
        "study": found,
        "tables": study_tables(found) if found.status != StudyStatus.DRAFT else [],
        "manager": manager,
        "import_form": ImportForm() if manager and not published else None,
        "publish_form": (
            PublishForm(initial={"summary": found.summary, "version": found.version})
            if manager and found.status != StudyStatus.DRAFT
            else None
        ),
        "errors": errors,
    }
    return render(request, "networks/study.html", context, status=422 if errors else 200)


@_diagnostics
def study(request: AuthedRequest, pk: UUID) -> HttpResponse:
    return _study_page(request, pk)


@require_POST
@_manager
def study_import(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.study_for(request.user, pk)
    _manages(request, found.country_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file of collected data."))
        return redirect("networks:study", found.pk)
    upload = form.cleaned_data["file"]
    try:
        lines = services.study_import(
            study=found, raw=upload.read(), name=upload.name or "", by=request.user
        )
    except services.ImportRefused as exc:
        return _study_page(request, pk, errors=exc)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s lines imported.") % {"n": lines})
    return redirect("networks:study", found.pk)


@require_POST
@_manager
def study_publish(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.study_for(request.user, pk)
    _manages(request, found.country_id)
    form = PublishForm(request.POST, request.FILES)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return redirect("networks:study", found.pk)
    data = form.cleaned_data
    try:
        services.study_publish(
            study=found,
            summary=data["summary"],
            report=data["report"],
            version=data["version"],
            by=request.user,
        )
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        return redirect("networks:study_report", found.pk)
    return redirect("networks:study", found.pk)


@_diagnostics
def study_export(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The diagnostic's computed tables as XLSX, small counts hidden as on its page."""
    found = queries.study_for(request.user, pk)
    return _xlsx(exports.study_xlsx(found), f"diagnostic-{found.pk}.xlsx")


@_diagnostics
def study_report(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The published report, as a page: the findings and the tables."""
    found = queries.study_for(request.user, pk)
    if found.status != StudyStatus.PUBLISHED:
        raise OutOfScope("diagnostic_report", pk)
    context = {"study": found, "tables": study_tables(found)}
    return render(request, "networks/report.html", context)


@_diagnostics
def study_report_file(request: AuthedRequest, pk: UUID) -> FileResponse:
    found = queries.study_for(request.user, pk)
    if found.status != StudyStatus.PUBLISHED or not found.report:
        raise OutOfScope("diagnostic_report", pk)
    return files.download(found.report, found.report_type, f"diagnostic-{found.pk}.pdf")
