"""What every page of the access matrices must hold: no `id` attribute twice in a page.

A repeated id sends a label, a `#fragment` link or a script to the wrong element, and screen
readers announce the wrong field. `orienta.testing.access.check_pages` looks at every page a
matrix fetches — every route, role and scope that gets a whole page (200, or a form sent back
with its errors: an empty POST) — with `repeated_ids`.
"""

import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

PAGE_STATUSES = (200, 409, 422)
# Every `id` attribute the parser would find matches this (quoted or not, any case), and so may
# text that only looks like one: a page where no value repeats here repeats none.
ID_LIKE = re.compile(r"""(?<![\w:.-])id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]*))""", re.I)


class _IdCounter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids[value] += 1


def duplicate_ids(html: str) -> list[str]:
    """The ids found more than once in a page, sorted. A page is parsed only when a quick look
    finds a value twice (a matrix fetches thousands of pages: parsing each costs milliseconds)."""
    seen = Counter(unescape(a or b or c) for a, b, c in ID_LIKE.findall(html))
    if all(count == 1 for count in seen.values()):
        return []
    parser = _IdCounter()
    parser.feed(html)
    parser.close()
    return sorted(value for value, count in parser.ids.items() if count > 1)


def is_page(response) -> bool:
    """A whole HTML page (not a redirect, a refusal, a file or a stream)."""
    return (
        response.status_code in PAGE_STATUSES
        and not getattr(response, "streaming", False)
        and response.get("Content-Type", "").startswith("text/html")
    )


def repeated_ids(response) -> list[str]:
    """The ids the response's page repeats; none for what is not a page."""
    return duplicate_ids(response.content.decode()) if is_page(response) else []
