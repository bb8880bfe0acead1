"""What every page of the access matrices must hold: no `id` attribute twice in a page.

A repeated id sends a label, a `#fragment` link or a script to the wrong element, and screen
readers announce the wrong field. Each matrix (`test_access_matrix.py`, each app's
`tests/access.py`) runs `pages_with_repeated_ids` over its own route table and objects.
"""

from collections import Counter
from html.parser import HTMLParser

from orienta.conftest import force_login_verified

# Who looks at each page, in this order; the first two who get a whole page (200, or a form
# sent back with its errors) are enough: the others see the same page or less of it.
PAGE_ROLES = (
    "manager_td",
    "agent_td",
    "coordinator_td",
    "provider_user",
    "me_hq",
    "admin_user",
    "anonymous",
)
PAGE_STATUSES = (200, 409, 422)


class _IdCounter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids[value] += 1


def duplicate_ids(html: str) -> list[str]:
    """The ids found more than once in a page, sorted."""
    parser = _IdCounter()
    parser.feed(html)
    parser.close()
    return sorted(value for value, count in parser.ids.items() if count > 1)


def _is_page(response) -> bool:
    return (
        response.status_code in PAGE_STATUSES
        and not getattr(response, "streaming", False)
        and response.get("Content-Type", "").startswith("text/html")
    )


def pages_with_repeated_ids(client, users, routes: dict, objs: dict, per_route: int = 2):
    """Fetch every route of a matrix (`name -> (kind, method, path builder)`) with the objects
    of one scope, as the first `per_route` roles of PAGE_ROLES that get a page; the GET pages
    first, while the objects are as the matrix made them, then the forms POSTed empty (which
    come back with their errors). Returns "route as role: ids" for each page that repeats one.
    """
    failures = []
    for name in sorted(routes, key=lambda n: (routes[n][1] != "get", n)):
        _kind, method, build = routes[name]
        seen = 0
        for role in PAGE_ROLES:
            if role == "anonymous":
                client.logout()
            else:
                force_login_verified(client, users[role])
            response = getattr(client, method)(build(objs))
            if not _is_page(response):
                continue
            found = duplicate_ids(response.content.decode())
            if found:
                failures.append(f"{name} as {role}: {', '.join(found)}")
            seen += 1
            if seen == per_route:
                break
    return failures
