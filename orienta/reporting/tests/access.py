"""The reporting app's access matrix: every page and API route (see access_logframe.py)."""

from orienta.reporting.tests import access_logframe

ROUTES = {**access_logframe.ROUTES}
API_ROUTES = {**access_logframe.API_ROUTES}
