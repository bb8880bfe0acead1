"""API routes of the resource centre: the library's documents (their metadata and the address
of the download page, never the file inline) and the support given to CSOs (trainings,
coaching sessions) with attendance by sex. Read by every account but a provider's, for its
countries; created by the country's managers, through the same services and file checks as
the pages. A document's file is read through the API as well (`…/documents/{id}/file`), with
the caller's token."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import File, Form, Query, Router, UploadedFile
from ninja.pagination import paginate

from orienta.core.access import reads_resource_centre
from orienta.core.models import Country
from orienta.core.types import ApiRequest
from orienta.lib.api.errors import Detail, field_error
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.networks import queries, services
from orienta.networks.api.common import MAX_PAGE_SIZE, PAGE_SIZE, manager, page, saving
from orienta.networks.files import document_check, document_download
from orienta.networks.models import (
    Document,
    DocumentKind,
    Language,
    ResourceTheme,
    Sex,
    Support,
    SupportKind,
    SupportParticipant,
)
from orienta.networks.schemas import (
    DocumentFilters,
    DocumentIn,
    DocumentOut,
    ParticipantIn,
    SupportIn,
    SupportOut,
)

router = Router(tags=["resources"])


def _reader(request: ApiRequest) -> None:
    if not reads_resource_centre(request.auth):
        raise PermissionDenied


def _choice(field: str, value: str, choices: Any) -> str:
    """`value`, one of the model's `choices`; a 422 on `field` otherwise."""
    if value not in choices.values:
        raise field_error(
            field,
            gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)},
            "invalid_choice",
        )
    return value


def _country(request: ApiRequest, code: str | None) -> Country:
    """A country whose networks the caller manages, named in the body (else 422)."""
    found = queries.countries_managed(request.auth).filter(code=(code or "").strip().upper())
    country = found.first()
    if country is None:
        raise field_error(
            "country", gettext("You do not manage the networks of this country."), "invalid_choice"
        )
    return country


# Documents
# =============================================================================================


def _document_out(request: ApiRequest, document: Document) -> dict[str, Any]:
    url = reverse("api-v1:resource_document_file", args=[document.pk])
    return {
        "id": document.pk,
        "country": document.country.code if document.country else None,
        "title": document.title,
        "kind": document.kind,
        "theme": document.theme,
        "language": document.language,
        "description": document.description,
        "content_type": document.content_type,
        "size": document.size,
        "download_url": request.build_absolute_uri(url),
        "version": document.version,
    }


@router.get(
    "/resources/documents",
    response=list[DocumentOut],
    summary="Documents of the library, by theme, language and kind",
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def document_list(request: ApiRequest, filters: Query[DocumentFilters]) -> PageMapped:
    _reader(request)
    found = queries.documents(
        request.auth,
        theme=filters.theme or "",
        language=filters.language or "",
        kind=filters.kind or "",
    ).order_by("title", "pk")
    return page(found, lambda d: _document_out(request, d))


@router.get(
    "/resources/documents/{document_id}",
    response=DocumentOut,
    summary="A document's metadata and the address of its file",
)
def document_read(request: ApiRequest, document_id: UUID) -> dict[str, Any]:
    _reader(request)
    return _document_out(request, queries.document_for(request.auth, document_id))


@router.get(
    "/resources/documents/{document_id}/file",
    url_name="resource_document_file",
    response={403: Detail, 404: Detail},
    summary="A document's file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def document_file(request: ApiRequest, document_id: UUID) -> FileResponse:
    _reader(request)
    return document_download(queries.document_for(request.auth, document_id))


@router.post(
    "/resources/documents",
    response={201: DocumentOut},
    summary="Add a document to the library (multipart: its metadata and its file)",
)
def document_create(
    request: ApiRequest, payload: Form[DocumentIn], file: File[UploadedFile]
) -> tuple[int, dict[str, Any]]:
    """The file is checked as on the page: at most 10 MB, a PDF, an office document
    (Word, Excel, PowerPoint, OpenDocument) or an image (PNG, JPEG), read from its content."""
    manager(request)
    if payload.country or queries.user_country_ids(request.auth) is not None:
        country: Country | None = _country(request, payload.country)
    else:
        country = None  # every country's library: M&E and administrators
    data = services.DocumentInput(
        payload.title,
        _choice("kind", payload.kind, DocumentKind),
        _choice("theme", payload.theme, ResourceTheme),
        _choice("language", payload.language, Language),
        payload.description,
    )
    try:
        checked = document_check(file)
    except DjangoValidationError as exc:
        raise field_error("file", exc.messages[0], exc.code or "invalid") from None
    document = saving(
        "title",
        lambda: services.document_add(country=country, data=data, file=checked, by=request.auth),
    )
    return 201, _document_out(request, queries.document_for(request.auth, document.pk))


# Support to CSOs
# =============================================================================================


def _support_out(
    support: Support, participants: list[SupportParticipant], names: bool
) -> dict[str, Any]:
    women = sum(1 for p in participants if p.sex == Sex.FEMALE)
    return {
        "id": support.pk,
        "country": support.country.code,
        "kind": support.kind,
        "topic": support.topic,
        "theme": support.theme,
        "on": support.on,
        "facilitator": support.facilitator,
        "organisations": [{"id": o.pk, "name": o.name} for o in support.organisations.all()],
        "notes": support.notes,
        "women": women,
        "men": len(participants) - women,
        "participants": [
            {
                "name": p.name,
                "sex": p.sex,
                "organisation": p.organisation_id,
                "position": p.position,
            }
            for p in participants
        ]
        if names
        else None,
        "version": support.version,
    }


def _supports_out(request: ApiRequest, supports: list[Support]) -> list[dict[str, Any]]:
    """A page of supports, their participants read in one query, as the caller counts them."""
    participants = queries.participants_of(request.auth, supports)
    names = queries.reads_attendance_names(request.auth)
    return [_support_out(s, participants[s.pk], names) for s in supports]


@router.get(
    "/resources/support",
    response=list[SupportOut],
    summary="Trainings and coaching sessions given to CSOs, with attendance by sex",
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def support_list(request: ApiRequest) -> PageMapped:
    _reader(request)
    found = queries.supports(request.auth).prefetch_related("organisations").order_by("-on", "pk")
    return PageMapped(found, found.count(), lambda items: _supports_out(request, items))


@router.get(
    "/resources/support/{support_id}",
    response=SupportOut,
    summary="A training or coaching session and its attendance",
)
def support_read(request: ApiRequest, support_id: UUID) -> dict[str, Any]:
    _reader(request)
    return _supports_out(request, [queries.support_for(request.auth, support_id)])[0]


@router.post(
    "/resources/support",
    response={201: SupportOut},
    summary="Record a training or coaching session given to CSOs of a country",
)
def support_create(request: ApiRequest, payload: SupportIn) -> tuple[int, dict[str, Any]]:
    manager(request)
    country = _country(request, payload.country)
    csos = list(
        queries.organisations_for(request.auth, country.pk).filter(
            kind="cso", pk__in=payload.organisations
        )
    )
    if len(csos) != len(set(payload.organisations)):
        raise field_error(
            "organisations",
            gettext("Choose organisations of the record's country."),
            "invalid_choice",
        )
    if payload.on > timezone.localdate():
        raise field_error("on", gettext("This date is still to come."), "invalid")
    data = services.SupportInput(
        _choice("kind", payload.kind, SupportKind),
        payload.topic,
        payload.on,
        _choice("theme", payload.theme, ResourceTheme) if payload.theme else "",
        payload.facilitator,
        payload.notes,
    )
    support = saving(
        "topic",
        lambda: services.support_record(
            country=country, data=data, organisations=csos, by=request.auth
        ),
    )
    return 201, _supports_out(request, [queries.support_for(request.auth, support.pk)])[0]


@router.post(
    "/resources/support/{support_id}/participants",
    response={201: SupportOut},
    summary="Add someone who attended a training or coaching session",
)
def participant_add(
    request: ApiRequest, support_id: UUID, payload: ParticipantIn
) -> tuple[int, dict[str, Any]]:
    """As on the session's page: the country's managers add a CSO staff member who attended,
    from one of the organisations supported."""
    _reader(request)
    support = queries.support_for(request.auth, support_id)
    manager(request)
    organisation = support.organisations.filter(pk=payload.organisation).first()
    if organisation is None:
        raise field_error(
            "organisation",
            gettext("The participant's organisation must be one of those supported."),
            "invalid_choice",
        )
    saving(
        "name",
        lambda: services.support_participant_add(
            support=support,
            name=payload.name,
            sex=_choice("sex", payload.sex, Sex),
            organisation=organisation,
            position=payload.position,
            by=request.auth,
        ),
    )
    return 201, _supports_out(request, [queries.support_for(request.auth, support.pk)])[0]
