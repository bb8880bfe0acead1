"""One error shape for the whole API, and the exception handlers that produce it.

- 401, 403, 404, 409: ``{"detail": "<translated sentence>"}``; a 409 is a domain refusal
  (`orienta.lib.errors.Refused`: a stale version, a state that does not allow the change).
- 422: ``{"detail": [{"loc": ["body", "<field>"], "msg": "<message>", "type": "<code>"}]}``
  (the message translated), whether the error comes from the request schema, from a Django
  form or from a malformed body.
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from orienta.lib import text
from orienta.lib.errors import Refused, note_out_of_scope

# Every operation names its JSON body `payload`; the name is an implementation detail and is
# left out of error locations, so a field error is always at ["body", "<field>"].
BODY_PARAM = "payload"

# One error of a 422: {"loc": [...], "msg": "...", "type": "..."}.
type ErrorItem = dict[str, Any]

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
    "string_too_long": _("Enter at most %(max_length)s characters."),
    "greater_than_equal": _("Enter a value greater than or equal to %(ge)s."),
    "less_than_equal": _("Enter a value less than or equal to %(le)s."),
    "model_attributes_type": _("Send a JSON object."),
    text.CODE: text.MESSAGE,
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


class HoldsNul(ValueError):
    """A text of the body holds a NUL character, which no database column stores."""


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class JsonObjectParser(Parser):
    """Parses the body as a JSON object; anything else becomes a 422, never a 500.

    NUL characters, which PostgreSQL refuses in text, make a body a 422 and are dropped from
    query parameters and form fields (where they can only be noise); files are left as sent.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise NotAnObject
        if _holds_nul(data):
            raise HoldsNul
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        return {
            key: [_without_nul(v) for v in value]
            if isinstance(value, list)
            else _without_nul(value)
            for key, value in parsed.items()
        }


def _without_nul(value: Any) -> Any:
    """A text without its NUL characters; anything else (an uploaded file) as it is."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def error(field: str | None, msg: str, code: str) -> ErrorItem:
    loc: list[str | int] = ["body", field] if field else ["body"]
    return {"loc": loc, "msg": str(msg), "type": code}


def field_error(field: str, msg: str, code: str) -> ValidationError:
    """A 422 on one body field, ready to raise."""
    return ValidationError([error(field, msg, code)])


def form_errors(form: BaseForm) -> ValidationError:
    """The errors of an invalid Django form as a 422, ready to raise."""
    return ValidationError(_django_errors(form.errors.as_data()))


def _django_errors(error_dict: dict[str, list[DjangoValidationError]]) -> list[ErrorItem]:
    out = []
    for field, errors in error_dict.items():
        name = None if field == NON_FIELD_ERRORS else field
        for exc in errors:
            for message in exc.messages:
                out.append(error(name, message, exc.code or "invalid"))
    return out


def _normalise(item: ErrorItem) -> ErrorItem:
    loc = list(item.get("loc") or ["body"])
    if loc[0] in ("form", "file"):  # a multipart body's field or file: in the body too
        loc[0] = "body"
    if len(loc) >= 2 and loc[0] == "body" and loc[1] == BODY_PARAM:
        del loc[1]
    code = str(item.get("type") or "invalid")
    return {"loc": loc, "msg": _schema_message(code, item), "type": code}


def _schema_message(code: str, item: ErrorItem) -> str:
    """The message for a schema error in the request language (pydantic's English otherwise)."""
    template = SCHEMA_MESSAGES.get(code)
    if template is None:
        return str(item.get("msg", ""))
    ctx: dict[str, Any] = item.get("ctx", {})
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return str(item.get("msg", ""))


def _detail(message: str) -> dict[str, str]:
    return {"detail": message}


def _invalid(exc: ValidationError) -> tuple[int, Any]:
    return 422, {"detail": [_normalise(e) for e in exc.errors]}


def _model_invalid(exc: DjangoValidationError) -> tuple[int, Any]:
    if hasattr(exc, "error_dict"):
        return 422, {"detail": _django_errors(exc.error_dict)}
    return 422, {"detail": [error(None, m, exc.code or "invalid") for m in exc.messages]}


def _http_error(exc: HttpError) -> tuple[int, Any]:
    # Ninja answers 400 to a body it cannot parse; here that is a 422 like any bad input.
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        return 422, {"detail": [_body_error(exc.__cause__)]}
    return exc.status_code, _detail(str(exc))


def _body_error(cause: ValueError) -> ErrorItem:
    if isinstance(cause, NotAnObject):
        return error(None, gettext("The request body must be a JSON object."), "json_type")
    if isinstance(cause, HoldsNul):
        return error(None, gettext("The request body must not hold NUL characters."), "nul")
    return error(None, gettext("The request body is not valid JSON."), "json_invalid")


def _unauthenticated(exc: AuthenticationError) -> tuple[int, Any]:
    return 401, _detail(
        gettext(
            "Authentication is required: send a valid token in the header "
            "“Authorization: Bearer <token>”."
        )
    )


def _not_found(exc: Http404) -> tuple[int, Any]:
    return 404, _detail(gettext("This record does not exist, or you are not allowed to see it."))


def _forbidden(exc: PermissionDenied) -> tuple[int, Any]:
    return 403, _detail(gettext("Your role does not allow this action."))


def _refused(exc: Refused) -> tuple[int, Any]:
    """A domain refusal (a stale version, a state that does not allow the change): its message."""
    return exc.status, _detail(exc.message)


def _too_big(exc: RequestDataTooBig) -> tuple[int, Any]:
    return 413, _detail(gettext("The request body is too large."))


# Each handler takes the exception of its class.
type Handler = Callable[[Any], tuple[int, Any]]

HANDLERS: dict[type[Exception], Handler] = {
    ValidationError: _invalid,
    DjangoValidationError: _model_invalid,
    HttpError: _http_error,
    AuthenticationError: _unauthenticated,
    Http404: _not_found,
    PermissionDenied: _forbidden,
    Refused: _refused,
    RequestDataTooBig: _too_big,
}


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the shapes described above."""
    for exc_class, handler in HANDLERS.items():
        # Ninja's handler type also admits the exception's class; handlers get an instance.
        api.add_exception_handler(exc_class, _responder(api, handler))  # type: ignore[arg-type]


def _responder(api: NinjaAPI, handler: Handler) -> Callable[[HttpRequest, Exception], HttpResponse]:
    def respond(request: HttpRequest, exc: Exception) -> HttpResponse:
        note_out_of_scope(request, exc)  # the audit middleware logs the refusal
        status, data = handler(exc)
        response = api.create_response(request, data, status=status)
        if status == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    return respond


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any address under /api/v1/ that no route matches (an unknown path, or an id that is not
    a UUID): the API's JSON 404, not the HTML page of the site."""
    message = gettext("No such address in the API. The OpenAPI document lists them all.")
    return HttpResponse(json.dumps(_detail(message)), status=404, content_type="application/json")
