"""Version 1 of the REST API, mounted at /api/v1/. Each app owns its routes (`<app>/api.py`)."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from orienta.accounts.api import router as accounts_router
from orienta.cases.api import router as cases_router
from orienta.core.api import router as core_router
from orienta.core.models import User
from orienta.core.services import api_token_user
from orienta.directory.api import router as directory_router
from orienta.families.api import router as families_router
from orienta.frontdesk.api import router as frontdesk_router
from orienta.fund.api import router as fund_router
from orienta.imports.api import router as imports_router
from orienta.lib.api import errors
from orienta.networks.api import router as networks_router
from orienta.outreach.api import router as outreach_router
from orienta.partners.api import router as partners_router
from orienta.people.api import router as people_router
from orienta.referrals.api import router as referrals_router
from orienta.reporting.api import router as reporting_router
from orienta.reporting.dhis2_api import router as dhis2_router
from orienta.sms.api import router as sms_router
from orienta.sync.api import router as sync_router
from orienta.webhooks.api import router as webhooks_router

DESCRIPTION = """
The API of Orienta, for integrations and synchronisation. It reads and writes through the same
rules as the pages: a caller sees only the records of their scope, and only site staff record.

**Authentication.** `POST /auth/token` with a username and password returns a bearer token,
valid for a limited time (`expires_at`). Every other operation needs the header
`Authorization: Bearer <token>`; without it, or with a bad or expired token, the answer is 401.

**Language.** Messages follow the `Accept-Language` header (French, Portuguese, English).

**Lists** are paginated by page number: `?page=1` (default) and `?page_size=` (at most 100;
50 by default). The answer is `{"items": [...], "count": <total>}`.

**Errors** all have a `detail`:
- 401 not authenticated, 403 the role does not allow the action, 404 the record does not exist
  or is out of scope, 409 conflict (stale `version`, or look-alikes found):
  `{"detail": "<message>"}`;
- 422 invalid input, nothing written:
  `{"detail": [{"loc": ["body", "<field>"], "msg": "<message>", "type": "<code>"}]}`
  (`loc` starts with `query` for query parameters). A body that is not a JSON object is a 422
  at `["body"]`.

**Duplicates.** `POST /persons` answers 409 with `candidates` when persons in scope look like
the new one; send the same body with `"confirm_new": true` to register anyway.
`POST /persons/match` lists look-alikes without writing anything.

**Optimistic locking.** `PATCH /persons/{id}` requires the `version` last read; if the person
changed since, the answer is 409 and nothing is written.
"""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, a token from POST /auth/token that has not expired."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


# The interactive docs page is off: without `ninja` in INSTALLED_APPS it loads Swagger UI from a
# CDN, and pages here make no third-party requests. The OpenAPI document stays at /openapi.json.
api = NinjaAPI(
    title="Orienta API",
    version="1",
    urls_namespace="api-v1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    parser=errors.JsonObjectParser(),
    docs_url=None,
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", core_router)
api.add_router("", people_router)
api.add_router("", frontdesk_router)
api.add_router("", directory_router)
api.add_router("", cases_router)
api.add_router("", referrals_router)
api.add_router("", fund_router)
api.add_router("", families_router)
api.add_router("", outreach_router)
api.add_router("", partners_router)
api.add_router("", networks_router)
api.add_router("", reporting_router)
api.add_router("", dhis2_router)
api.add_router("", sync_router)
api.add_router("", sms_router)
api.add_router("", imports_router)
api.add_router("", webhooks_router)
