"""One error shape for the whole API, and the exception handlers that produce it.

- 401, 403, 404, 409: ``{"detail": "<translated sentence>"}``.
- 422: ``{"detail": [{"loc": ["body", "<field>"], "msg": "<message>", "type": "<code>"}]}``
  (the message translated), whether the error comes from the request schema, from a Django
  form or from a malformed body.
"""

import json
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from orienta.core.services import StaleEdit

# Every operation names its JSON body `payload`; the name is an implementation detail and is
# left out of error locations, so a field error is always at ["body", "<field>"].
BODY_PARAM = "payload"

# Messages for the schema errors a client meets most, in words Django's catalogues translate.
SCHEMA_MESSAGES = {
    "missing": _("This field is required."),
    "string_type": _("Enter a text value."),
    "int_type": _("Enter a whole number."),
    "int_parsing": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_type": _("Enter a number."),
    "float_parsing": _("Enter a number."),
    "bool_type": _("Enter true or false."),
    "bool_parsing": _("Enter true or false."),
    "date_type": _("Enter a valid date."),
    "date_parsing": _("Enter a valid date."),
    "date_from_datetime_parsing": _("Enter a valid date."),
    "date_from_datetime_inexact": _("Enter a valid date."),
    "datetime_type": _("Enter a valid date/time."),
    "datetime_parsing": _("Enter a valid date/time."),
    "datetime_from_date_parsing": _("Enter a valid date/time."),
    "uuid_type": _("Enter a valid UUID."),
    "uuid_parsing": _("Enter a valid UUID."),
    "list_type": _("Enter a list of values."),
    "model_type": _("Send a JSON object."),
    "dict_type": _("Send a JSON object."),
    "model_attributes_type": _("Send a JSON object."),
}


class Detail(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class FieldErrors(Schema):
    detail: list[FieldError]


class NotAnObject(ValueError):
    """The body is valid JSON, but not the object every operation expects."""


class JsonObjectParser(Parser):
    """Parses the body as a JSON object; anything else becomes a 422, never a 500."""

    def parse_body(self, request: HttpRequest) -> dict:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise NotAnObject
        return data


def error(field: str | None, msg: str, code: str) -> dict:
    loc: list[str | int] = ["body", field] if field else ["body"]
    return {"loc": loc, "msg": str(msg), "type": code}


def field_error(field: str, msg: str, code: str) -> ValidationError:
    """A 422 on one body field, ready to raise."""
    return ValidationError([error(field, msg, code)])


def form_errors(form) -> ValidationError:
    """The errors of an invalid Django form as a 422, ready to raise."""
    return ValidationError(_django_errors(form.errors.as_data()))


def _django_errors(error_dict: dict) -> list[dict]:
    out = []
    for field, errors in error_dict.items():
        name = None if field == NON_FIELD_ERRORS else field
        for exc in errors:
            for message in exc.messages:
                out.append(error(name, message, exc.code or "invalid"))
    return out


def _normalise(item: dict) -> dict:
    loc = list(item.get("loc") or ["body"])
    if len(loc) >= 2 and loc[0] == "body" and loc[1] == BODY_PARAM:
        del loc[1]
    code = str(item.get("type") or "invalid")
    msg = SCHEMA_MESSAGES.get(code, item.get("msg", ""))
    return {"loc": loc, "msg": str(msg), "type": code}


def _respond(api: NinjaAPI, request, status: int, data: Any) -> HttpResponse:
    return api.create_response(request, data, status=status)


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the shapes described above."""

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        return _respond(api, request, 422, {"detail": [_normalise(e) for e in exc.errors]})

    @api.exception_handler(DjangoValidationError)
    def model_invalid(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            items = _django_errors(exc.error_dict)
        else:
            items = [error(None, m, exc.code or "invalid") for m in exc.messages]
        return _respond(api, request, 422, {"detail": items})

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            return _respond(api, request, 422, {"detail": [_body_error(exc.__cause__)]})
        return _respond(api, request, exc.status_code, {"detail": str(exc)})

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        response = _respond(
            api,
            request,
            401,
            {
                "detail": gettext(
                    "Authentication is required: send a valid token in the header "
                    "“Authorization: Bearer <token>”."
                )
            },
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return _respond(
            api,
            request,
            404,
            {"detail": gettext("This record does not exist, or you are not allowed to see it.")},
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc: PermissionDenied):
        return _respond(
            api, request, 403, {"detail": gettext("Your role does not allow this action.")}
        )

    @api.exception_handler(StaleEdit)
    def stale(request, exc: StaleEdit):
        return _respond(
            api,
            request,
            409,
            {
                "detail": gettext(
                    "Someone else changed this record since you loaded it. Load it again and "
                    "reapply your change; nothing was saved."
                )
            },
        )


def _body_error(cause: ValueError) -> dict:
    if isinstance(cause, NotAnObject):
        return error(None, gettext("The request body must be a JSON object."), "json_type")
    return error(None, gettext("The request body is not valid JSON."), "json_invalid")
