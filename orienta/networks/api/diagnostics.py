"""API routes of the socio-economic diagnostics: the studies (partners, area, period, status,
questionnaire, responses imported), their computed tables by area, sex and age band (small
counts hidden exactly as on the page and in the XLSX: `diagnostics.study_tables`), a new study
and the import of its collected data (all or nothing, errors by line, as on the page). Read by
site staff, coordinators, M&E and administrators for their countries; written by the
country's managers."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, ngettext
from ninja import File, Query, Router, UploadedFile
from ninja.errors import ValidationError
from ninja.pagination import paginate

from orienta.core.access import manages_networks, reads_networks
from orienta.core.models import Area
from orienta.core.types import ApiRequest
from orienta.lib.api.errors import error, field_error
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.networks import queries, services
from orienta.networks.api.common import MAX_PAGE_SIZE, PAGE_SIZE, manager, page, saving
from orienta.networks.diagnostics import Table, study_tables
from orienta.networks.models import Study
from orienta.networks.schemas import ImportOut, StudyFilters, StudyIn, StudyOut, TableOut

router = Router(tags=["diagnostics"])


def _reader(request: ApiRequest) -> None:
    if not reads_networks(request.auth):
        raise PermissionDenied


def _study_out(study: Study) -> dict[str, Any]:
    return {
        "id": study.pk,
        "country": study.country.code,
        "title": study.title,
        "partners": [{"id": o.pk, "name": o.name} for o in study.partners.all()],
        "area": study.area.code if study.area else None,
        "area_name": study.area.name if study.area else "",
        "starts_on": study.starts_on,
        "ends_on": study.ends_on,
        "questionnaire": study.questionnaire,
        "status": study.status,
        "responses": study.response_count,  # type: ignore[attr-defined]  # queries.studies
        "published_on": study.published_on,
        "summary": study.summary,
        "version": study.version,
    }


def _table_out(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "rows": [{"code": code, "label": label} for code, label in table.rows],
        "columns": [{"code": code, "label": label} for code, label in table.columns],
        "cells": [[f.value for f in table.line(code)] for code, _label in table.rows],
        "row_totals": [table.row_totals[code].value for code, _label in table.rows],
        "column_totals": [f.value for f in table.footer],
        "total": table.total.value,
    }


@router.get("/diagnostics", response=list[StudyOut], summary="Diagnostics in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def study_list(request: ApiRequest, filters: Query[StudyFilters]) -> PageMapped:
    _reader(request)
    found = queries.studies(request.auth).prefetch_related("partners")
    if filters.status:
        found = found.filter(status=filters.status)
    return page(found.order_by("-starts_on", "pk"), _study_out)


@router.post("/diagnostics", response={201: StudyOut}, summary="Prepare a new diagnostic")
def study_create(request: ApiRequest, payload: StudyIn) -> tuple[int, dict[str, Any]]:
    manager(request)
    code = payload.country.strip().upper()
    country = queries.countries_managed(request.auth).filter(code=code).first()
    if country is None:
        raise field_error(
            "country", gettext("You do not manage the networks of this country."), "invalid_choice"
        )
    partners = list(
        queries.organisations_for(request.auth, country.pk).filter(pk__in=payload.partners)
    )
    if len(partners) != len(set(payload.partners)):
        raise field_error(
            "partners", gettext("Choose organisations of the record's country."), "invalid_choice"
        )
    area = None
    if payload.area:
        area = Area.objects.filter(code=payload.area, country=country).first()
        if area is None:
            raise field_error(
                "area", gettext("The area must be in the diagnostic's country."), "invalid_choice"
            )
    if payload.ends_on < payload.starts_on:
        raise field_error("ends_on", gettext("The period ends before it starts."), "invalid")
    data = services.StudyInput(
        payload.title, payload.starts_on, payload.ends_on, area, payload.questionnaire
    )
    study = saving(
        "title",
        lambda: services.study_create(
            country=country, data=data, partners=partners, by=request.auth
        ),
    )
    return 201, _study_out(queries.study_for(request.auth, study.pk))


@router.get("/diagnostics/{study_id}", response=StudyOut, summary="A diagnostic")
def study_read(request: ApiRequest, study_id: UUID) -> dict[str, Any]:
    _reader(request)
    return _study_out(queries.study_for(request.auth, study_id))


@router.get(
    "/diagnostics/{study_id}/tables",
    response=list[TableOut],
    summary="A diagnostic's tables by area, sex and age band, small counts hidden",
)
def study_table_list(request: ApiRequest, study_id: UUID) -> list[dict[str, Any]]:
    """The three tables of the page and of the XLSX: respondents by area and sex, by area and
    age band, by age band and sex; a figure resting on too few respondents is null."""
    _reader(request)
    return [_table_out(t) for t in study_tables(queries.study_for(request.auth, study_id))]


@router.post(
    "/diagnostics/{study_id}/import",
    response=ImportOut,
    summary="Import a diagnostic's collected data (multipart: the file), all or nothing",
)
def study_import(request: ApiRequest, study_id: UUID, file: File[UploadedFile]) -> dict[str, Any]:
    """CSV or XLSX, or the export of an XLSForm (Kobo, ODK): one line per respondent with the
    columns area, sex, age and date. It replaces what was imported before; with any error
    nothing is imported and the 422 lists the errors by line, on `file`."""
    _reader(request)
    found = queries.study_for(request.auth, study_id)
    if not manages_networks(request.auth, found.country_id):
        raise PermissionDenied
    try:
        lines = services.study_import(
            study=found, raw=file.read(), name=file.name or "", by=request.auth
        )
    except services.ImportRefused as exc:
        problems = [exc.message, *exc.errors]
        if exc.more:
            more = ngettext("And %(n)s more error.", "And %(n)s more errors.", exc.more)
            problems.append(more % {"n": exc.more})
        raise ValidationError([error("file", p, "invalid") for p in problems]) from None
    return {"lines": lines, "study": _study_out(queries.study_for(request.auth, study_id))}
