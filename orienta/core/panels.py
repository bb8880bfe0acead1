"""Pages that show what other apps hold: the person page, a site's page, the worklist, the menu.

An app contributes by defining, in `orienta/<app>/panels.py`, any of these functions; each
returns rendered HTML (or None when it has nothing to show to this user), and reads only through
the scoping layer like any view:

- `person_panel(request, person)` — a section of the person page;
- `site_panel(request, site)` — a section of a site's page;
- `worklist_panel(request, sites)` — a section of the worklist (the sites it covers);
- `nav_links(request)` — menu entries, a list of `(url, label)`.
"""

import importlib
import importlib.util

from django.utils.safestring import SafeString

PANEL_APPS = ("cases", "referrals", "fund", "directory")


def _modules():
    for app in PANEL_APPS:
        name = f"orienta.{app}.panels"
        if importlib.util.find_spec(name) is not None:
            yield importlib.import_module(name)


def render(hook: str, request, *args) -> list[SafeString]:
    """The HTML of every app's `hook`, in PANEL_APPS order, skipping apps with nothing to show."""
    parts = []
    for module in _modules():
        function = getattr(module, hook, None)
        if function is not None:
            html = function(request, *args)
            if html:
                parts.append(SafeString(html))
    return parts


def nav_links(request) -> list[tuple[str, str]]:
    links = []
    for module in _modules():
        function = getattr(module, "nav_links", None)
        if function is not None:
            links.extend(function(request))
    return links
