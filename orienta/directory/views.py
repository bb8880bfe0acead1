"""Pages of the service directory."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from orienta.core.access import exchanges_directory, is_provider
from orienta.core.models import Area, Country, Organisation, Site, User
from orienta.core.services import StaleEdit, event_log
from orienta.core.types import AuthedRequest
from orienta.directory import exchange, queries, services
from orienta.directory.forms import (
    ContactForm,
    CostOptionForm,
    ImportForm,
    OrganisationForm,
    PermanenceForm,
    PlaceForm,
    ScheduleForm,
    SearchForm,
    ServiceForm,
)
from orienta.directory.models import (
    Contact,
    CostOption,
    Permanence,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
)

PAGE_SIZE = 25


def _require_editor(user: User, service: Service | None = None) -> None:
    country = service.organisation.country if service else None
    if not services.can_edit(user, country):
        raise PermissionDenied


def _search_areas(user: User) -> QuerySet[Area]:
    countries = Service.objects.visible_to(user).values("organisation__country")
    return Area.objects.filter(country__in=countries).select_related("parent")


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, areas=_search_areas(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    results = queries.service_search(
        request.user,
        text=data.get("q", ""),
        theme=data.get("theme"),
        area=data.get("area"),
        free_only=data.get("free", False),
        open_now=data.get("open_now", False),
    ).order_by("name")
    if data.get("stale"):
        results = results.stale()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_edit": services.can_edit(request.user),
        "can_exchange": exchanges_directory(request.user),
        "sites": Site.objects.visible_to(request.user).order_by("code"),
        "now": timezone.now(),
    }
    return render(request, "directory/search.html", context)


def _detail_context(request: AuthedRequest, service: Service, **extra: Any) -> dict:
    can_edit = services.can_edit(request.user, service.organisation.country)
    context = {
        "service": service,
        "can_edit": can_edit,
        "costs": service.cost_options.filter(deleted_at__isnull=True),
        "schedules": service.schedules.select_related("service_at_location__location"),
        "permanences": service.permanences.filter(deleted_at__isnull=True).select_related("site"),
        "contacts": service.contacts.all(),
        "places": service.service_at_locations.select_related("location__area"),
        "stale": service.is_stale(),
    }
    if can_edit:
        context.setdefault(
            "cost_form",
            CostOptionForm(initial={"currency": service.organisation.country.currency}),
        )
        context.setdefault("schedule_form", ScheduleForm(service=service))
        context.setdefault("permanence_form", PermanenceForm(service=service))
        context.setdefault("contact_form", ContactForm())
        context.setdefault("place_form", PlaceForm(service=service))
    context.update(extra)
    return context


@login_required
def detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    return render(request, "directory/detail.html", _detail_context(request, service))


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    _require_editor(request.user)
    initial = {"organisation": request.GET.get("organisation")}
    form = ServiceForm(request.POST or None, user=request.user, initial=initial)
    if request.method != "POST":
        return render(request, "directory/edit.html", {"form": form})
    if not form.is_valid():
        return render(request, "directory/edit.html", {"form": form}, status=422)
    data = form.cleaned_data
    service = services.service_create(
        by=request.user,
        organisation=data["organisation"],
        data=data,
        themes=data["themes"],
        areas=data["service_areas"],
    )
    messages.success(request, _("The service is in the directory."))
    return redirect("directory:detail", pk=service.pk)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    _require_editor(request.user, service)
    if request.method != "POST":
        form = ServiceForm(instance=service, user=request.user)
        return render(request, "directory/edit.html", {"form": form, "service": service})
    version = _int(request.POST.get("version"))
    form = ServiceForm(
        request.POST, instance=queries.service_for(request.user, pk), user=request.user
    )
    context = {"form": form, "service": service, "version": version}
    if not form.is_valid():
        return render(request, "directory/edit.html", context, status=422)
    data = form.cleaned_data
    try:
        services.service_update(
            by=request.user,
            service=service,
            data=data,
            version=version,
            themes=data["themes"],
            areas=data["service_areas"],
        )
    except StaleEdit:
        fresh = queries.service_for(request.user, pk)
        messages.error(
            request,
            _(
                "Someone else saved this service while you were editing. Your changes were not "
                "saved; here is the latest version."
            ),
        )
        form = ServiceForm(instance=fresh, user=request.user)
        return render(request, "directory/edit.html", {"form": form, "service": fresh}, status=409)
    messages.success(request, _("The changes are saved."))
    return redirect("directory:detail", pk=service.pk)


@login_required
@require_POST
def verify(request: AuthedRequest, pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    _require_editor(request.user, service)
    services.service_verify(by=request.user, service=service)
    messages.success(request, _("Marked as verified today."))
    return redirect("directory:detail", pk=service.pk)


@login_required
@require_POST
def cost_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    _require_editor(request.user, service)
    form = CostOptionForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, service, cost_form=form)
        return render(request, "directory/detail.html", context, status=422)
    services.cost_option_add(by=request.user, service=service, **form.cleaned_data)
    messages.success(request, _("The cost is added."))
    return redirect("directory:detail", pk=service.pk)


@login_required
@require_POST
def schedule_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    _require_editor(request.user, service)
    form = ScheduleForm(request.POST, service=service)
    if not form.is_valid():
        context = _detail_context(request, service, schedule_form=form)
        return render(request, "directory/detail.html", context, status=422)
    data = form.cleaned_data
    services.schedule_add(
        by=request.user,
        service=service,
        weekdays=",".join(data["weekdays"]),
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        notes=data["notes"],
        service_at_location=data["place"],
    )
    messages.success(request, _("The opening hours are added."))
    return redirect("directory:detail", pk=service.pk)


@login_required
@require_POST
def permanence_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    _require_editor(request.user, service)
    form = PermanenceForm(request.POST, service=service)
    if not form.is_valid():
        context = _detail_context(request, service, permanence_form=form)
        return render(request, "directory/detail.html", context, status=422)
    data = dict(form.cleaned_data)
    site = data.pop("site")
    services.permanence_add(by=request.user, service=service, site=site, data=data)
    messages.success(request, _("The permanence is added."))
    return redirect("directory:detail", pk=service.pk)


@login_required
@require_POST
def contact_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    _require_editor(request.user, service)
    form = ContactForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, service, contact_form=form)
        return render(request, "directory/detail.html", context, status=422)
    services.contact_add(by=request.user, service=service, data=form.cleaned_data)
    messages.success(request, _("The contact is added."))
    return redirect("directory:detail", pk=service.pk)


@login_required
@require_POST
def place_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    _require_editor(request.user, service)
    form = PlaceForm(request.POST, service=service)
    if not form.is_valid():
        context = _detail_context(request, service, place_form=form)
        return render(request, "directory/detail.html", context, status=422)
    services.place_add(by=request.user, service=service, data=form.cleaned_data)
    messages.success(request, _("The place is added."))
    return redirect("directory:detail", pk=service.pk)


@login_required
def organisation_new(request: AuthedRequest) -> HttpResponse:
    _require_editor(request.user)
    return _organisation_form(request, None)


@login_required
def organisation_edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    organisation = (
        Organisation.objects.visible_to(request.user)
        .select_related("country")
        .filter(pk=pk)
        .first()
    )
    if organisation is None:
        raise Http404
    if not services.can_edit(request.user, organisation.country):
        raise PermissionDenied
    return _organisation_form(request, organisation)


def _organisation_form(request: AuthedRequest, organisation: Organisation | None) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    context = {"form": form, "organisation": organisation}
    if request.method != "POST":
        return render(request, "directory/organisation.html", context)
    if not form.is_valid():
        return render(request, "directory/organisation.html", context, status=422)
    saved = services.organisation_save(
        by=request.user, data=form.cleaned_data, organisation=organisation
    )
    messages.success(request, _("The organisation is saved."))
    first = saved.services.filter(deleted_at__isnull=True).order_by("name").first()
    if first is not None:
        return redirect("directory:detail", pk=first.pk)
    return redirect(f"{reverse('directory:create')}?organisation={saved.pk}")


# The item's class follows `kind`, and so does the service that removes it (`item_remove`).
REMOVABLE: dict[str, type[Any]] = {
    "cost": CostOption,
    "schedule": Schedule,
    "permanence": Permanence,
    "contact": Contact,
    "place": ServiceAtLocation,
}


@login_required
@require_POST
def item_remove(request: AuthedRequest, pk: UUID, kind: str, item_pk: UUID) -> HttpResponse:
    service = queries.service_for(request.user, pk)
    _require_editor(request.user, service)
    model = REMOVABLE.get(kind)
    item = model.objects.filter(pk=item_pk, service=service).first() if model else None
    if item is None:
        raise Http404
    remove = {
        "cost": lambda: services.cost_option_remove(by=request.user, cost=item),
        "schedule": lambda: services.schedule_remove(by=request.user, schedule=item),
        "permanence": lambda: services.permanence_remove(by=request.user, permanence=item),
        "contact": lambda: services.contact_remove(by=request.user, contact=item),
        "place": lambda: services.service_at_location_remove(by=request.user, link=item),
    }[kind]
    remove()
    messages.success(request, _("Removed."))
    return redirect("directory:detail", pk=service.pk)


@login_required
def print_site(request: AuthedRequest, code: str) -> HttpResponse:
    if is_provider(request.user):
        raise PermissionDenied
    site = Site.objects.visible_to(request.user).select_related("country").filter(code=code).first()
    if site is None:
        raise Http404
    entries = list(queries.site_directory(site))
    context = {
        "site": site,
        "entries": entries,
        "permanences": queries.site_permanences(site),
        "printed_on": timezone.localdate(),
    }
    return render(request, "directory/print.html", context)


# --- export and import ----------------------------------------------------------------------


def _require_exchange(user: User) -> None:
    if not exchanges_directory(user):
        raise PermissionDenied


def _export_scope(request: AuthedRequest) -> tuple[ServiceQuerySet, str]:
    qs = Service.objects.visible_to(request.user)
    code = request.GET.get("country", "")
    if code:
        qs = qs.filter(organisation__country__code=code)
    return qs, code


@login_required
def exchange_page(request: AuthedRequest) -> HttpResponse:
    _require_exchange(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    countries = Country.objects.filter(
        pk__in=Service.objects.visible_to(request.user).values("organisation__country")
    )
    context = {"form": form, "countries": countries, "errors": []}
    if request.method != "POST":
        return render(request, "directory/exchange.html", context)
    if not form.is_valid():
        return render(request, "directory/exchange.html", context, status=422)
    upload = form.cleaned_data["file"]
    raw = upload.read()
    try:
        if upload.name.lower().endswith(".zip"):
            count = exchange.import_zip(raw, by=request.user)
        else:
            count = exchange.import_json(raw, by=request.user)
    except exchange.ImportFailed as failure:
        context["errors"] = failure.errors
        return render(request, "directory/exchange.html", context, status=422)
    messages.success(
        request,
        ngettext("%(count)d service imported.", "%(count)d services imported.", count)
        % {"count": count},
    )
    return redirect("directory:exchange")


def _download(request: AuthedRequest, fmt: str) -> HttpResponse:
    _require_exchange(request.user)
    qs, code = _export_scope(request)
    stamp = timezone.localdate().isoformat()
    name = f"orienta-hsds-{code or 'all'}-{stamp}"
    if fmt == "json":
        body, content_type, name = (
            exchange.export_json_bytes(qs),
            "application/json",
            name + ".json",
        )
    else:
        body, content_type, name = exchange.export_zip(qs), "application/zip", name + ".zip"
    event_log(
        actor=request.user,
        verb="directory.exported",
        obj=request.user,
        data={"format": fmt, "country": code, "services": qs.count()},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_json(request: AuthedRequest) -> HttpResponse:
    return _download(request, "json")


@login_required
def export_csv(request: AuthedRequest) -> HttpResponse:
    return _download(request, "csv")
