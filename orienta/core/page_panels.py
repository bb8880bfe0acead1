"""Pages that show what other apps hold: the person page, a site's page, the worklist, the menu.

An app contributes by defining, in `orienta/<app>/panels.py`, any of these functions; each
returns rendered HTML (or None when it has nothing to show to this user), and reads only through
the scoping layer like any view:

- `person_panel(request, person)` — a section of the person page;
- `site_panel(request, site)` — a section of a site's page;
- `worklist_panel(request, sites)` — a section of the worklist (the sites it covers);
- `referral_panel(request, referral)` — a section of a referral's page (for the staff who
  read it; the page has already checked the referral is in the user's scope);
- `nav_links(request)` — menu entries, a list of `(url, label)`;
- `person_actions(request, person)` — the buttons at the top of the person page, a list of
  `PageAction`, shown by rank (refer 10, a new visit 20, open a case 30).

And one that returns data rather than HTML, for a page that writes in its own words:

- `referral_fund_status(referral)` — what a fund did about the referral's fee, for the slip:
  `"paid"`, `"approved"` (to be paid), `"requested"` (awaiting approval) or None when no
  request covers it (none, or only rejected, cancelled or reversed ones). The slip prints it in
  the slip's language; the first app that answers something other than None is believed.

A panels module may set `ORDER` (an integer, default 100): sections and menu entries follow it,
the smallest first, then INSTALLED_APPS order.
"""

from typing import NamedTuple

from django.utils.safestring import SafeString

from orienta.lib.plugins import app_modules

# Where an app's sections and menu entries go when its panels module sets no `ORDER`.
DEFAULT_ORDER = 100


def _hooks(hook: str) -> list:
    """`hook` of every app's panels module, by the module's `ORDER` (then INSTALLED_APPS)."""
    modules = sorted(app_modules("panels"), key=lambda m: getattr(m, "ORDER", DEFAULT_ORDER))
    return [getattr(m, hook) for m in modules if hasattr(m, hook)]


class PageAction(NamedTuple):
    """A button an app adds to another app's page: where it leads, its label, its place."""

    url: str
    label: str
    rank: int = 100


def render(hook: str, request, *args) -> list[SafeString]:
    """The HTML of every app's `hook`, in order (see `_hooks`), skipping apps with nothing to
    show."""
    parts = []
    for function in _hooks(hook):
        html = function(request, *args)
        if html:
            parts.append(SafeString(html))
    return parts


def nav_links(request) -> list[tuple[str, str]]:
    links = []
    for function in _hooks("nav_links"):
        links.extend(function(request))
    return links


def actions(hook: str, request, *args, extra=()) -> list[PageAction]:
    """Every app's buttons for `hook` (and `extra`, the page's own), by rank."""
    found = list(extra)
    for function in _hooks(hook):
        found.extend(function(request, *args))
    return sorted(found, key=lambda action: action.rank)
