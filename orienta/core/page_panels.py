"""Pages that show what other apps hold: the person page, a site's page, the worklist, the menu.

An app contributes by defining, in `orienta/<app>/panels.py`, any of these functions; each
returns rendered HTML (or None when it has nothing to show to this user), and reads only through
the scoping layer like any view:

- `person_panel(request, person)` — a section of the person page;
- `site_panel(request, site)` — a section of a site's page;
- `worklist_panel(request, sites)` — a section of the worklist (the sites it covers);
- `nav_links(request)` — menu entries, a list of `(url, label)`;
- `person_actions(request, person)` — the buttons at the top of the person page, a list of
  `PageAction`, shown by rank (refer 10, a new visit 20, open a case 30).
"""

from typing import NamedTuple

from django.utils.safestring import SafeString

from orienta.lib.plugins import hooks


class PageAction(NamedTuple):
    """A button an app adds to another app's page: where it leads, its label, its place."""

    url: str
    label: str
    rank: int = 100


def render(hook: str, request, *args) -> list[SafeString]:
    """The HTML of every app's `hook`, in INSTALLED_APPS order, skipping apps with nothing to
    show."""
    parts = []
    for function in hooks("panels", hook):
        html = function(request, *args)
        if html:
            parts.append(SafeString(html))
    return parts


def nav_links(request) -> list[tuple[str, str]]:
    links = []
    for function in hooks("panels", "nav_links"):
        links.extend(function(request))
    return links


def actions(hook: str, request, *args, extra=()) -> list[PageAction]:
    """Every app's buttons for `hook` (and `extra`, the page's own), by rank."""
    found = list(extra)
    for function in hooks("panels", hook):
        found.extend(function(request, *args))
    return sorted(found, key=lambda action: action.rank)
