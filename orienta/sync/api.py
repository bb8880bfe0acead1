"""The exchange with site nodes, mounted under /api/v1/sync/ by orienta.api.v1.

Nodes do not sign in as users: `POST /sync/enrol` trades a one-time code for the node's token,
sent on every exchange as `Authorization: Node <token>`. A revoked node is answered 403 with
`"stop": true` (and `"wipe": true` when an administrator ordered its data erased; the node erases
it and says so in its next message, `"wiped": true`).
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router
from pydantic import ValidationError

from orienta.lib.api.errors import Detail, FieldErrors
from orienta.sync import exchange as server
from orienta.sync import services
from orienta.sync.schemas import EnrolIn, EnrolOut, ExchangeIn, ExchangeOut, StopOut
from orienta.sync.wire import compress, decompress, pack_message, unpack_message

router = Router(tags=["sync"])


def inline_schema(schema: type[ExchangeIn]) -> dict[str, Any]:
    """The JSON schema of a body the route reads itself, with its nested parts written in place
    (the OpenAPI document's components hold only the schemas ninja saw)."""
    document = schema.model_json_schema(by_alias=True)
    parts = document.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(parts[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    resolved: dict[str, Any] = resolve(document)
    return resolved


EXCHANGE_DOC = """One round trip of a site node: its batch of changes in, an acknowledgement per
change (applied, merged, conflict, rejected with a reason), then the changes of its site and the
reference data since its cursor, the next cursor and whether more remain.

Request and answer bodies are JSON compressed with zstd (`Content-Encoding: zstd`). In protocol 2
the changes that share a model and their field names travel in `columns` (names once, values
side by side; see `orienta/sync/wire.py`), the others in `changes`; the answer is written in the
node's protocol. A batch id
or change id sent again gets the stored acknowledgements and applies nothing twice. The answer's
pull stops at `max_bytes` compressed bytes. A protocol or schema this server does not accept is
answered 426 (the node keeps its outbox and must be upgraded)."""


@router.post("/sync/enrol", auth=None, response={200: EnrolOut, 409: Detail, 422: FieldErrors})
def enrol(request: HttpRequest, payload: EnrolIn) -> Any:
    """Enrol a node with a one-time code from `manage.py sync_node_create`."""
    node, token = services.node_enrol(code=payload.code, app_version=payload.app_version)
    return EnrolOut(
        node=node.pk,
        number=node.number,
        site=node.site_id,
        site_code=node.site.code,
        token=token,
        code_block=node.code_block,
    )


@router.post(
    "/sync/exchange",
    auth=None,
    response={200: ExchangeOut, 401: Detail, 403: StopOut, 422: Detail, 426: Detail},
    description=EXCHANGE_DOC,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "ExchangeIn, as JSON compressed with zstd (Content-Encoding: zstd).",
            "content": {"application/json": {"schema": inline_schema(ExchangeIn)}},
        }
    },
)
def exchange(request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    token = header[5:].strip() if header.startswith("Node ") else ""
    node = services.node_authenticate(token)
    if node is None:
        return JsonResponse({"detail": "unknown node"}, status=401)
    try:
        if request.headers.get("Content-Encoding") == "zstd":
            raw = decompress(request.body)
        else:
            raw = json.loads(request.body)
        message = ExchangeIn.model_validate(unpack_message(raw))
    except (ValueError, ValidationError) as exc:
        if node.revoked_at is not None:
            return _stop(node)
        return JsonResponse({"detail": f"unreadable batch: {str(exc)[:200]}"}, status=422)
    if str(message.node) != str(node.pk):
        return JsonResponse({"detail": "unknown node"}, status=401)
    if node.revoked_at is not None:
        if message.wiped and node.wipe:
            services.node_wiped(node=node)
        return _stop(node)
    data = message.model_dump(by_alias=True, mode="json")
    try:
        answer = server.exchange(node=node, message=data)
    except server.Upgrade as exc:
        return JsonResponse({"detail": str(exc)}, status=426)
    answer = pack_message(answer, message.protocol)
    response = HttpResponse(compress(answer), content_type="application/json")
    response["Content-Encoding"] = "zstd"
    return response


def _stop(node: Any) -> JsonResponse:
    detail = "This node was revoked: stop syncing."
    return JsonResponse({"detail": detail, "stop": True, "wipe": node.wipe}, status=403)
