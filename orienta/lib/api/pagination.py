"""Page-number pagination for every list of the API: `?page=` and `?page_size=`.

Ninja's own accepts any page number, and a page beyond the 64-bit range makes the database
fail (a 500). Here the page is bounded: anything past MAX_PAGE is a 422 like any bad input.
Use it as ninja's: `@paginate(Pages, page_size=50, max_page_size=100)`. A view that has
already counted its list (for the access log) hands the figure on with `counted(qs, n)`, so
the database does not count it twice.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# A million pages of 100: far beyond any list the API holds.
MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)

    def _items_count(self, queryset: QuerySet[Any]) -> int:
        known = getattr(queryset, "known_count", None)
        return int(known) if known is not None else super()._items_count(queryset)


def counted[Q: QuerySet[Any]](queryset: Q, count: int) -> Q:
    """`queryset`, carrying its count for `Pages` (lost if the queryset is filtered again)."""
    queryset.known_count = count  # type: ignore[attr-defined]  # read back by Pages
    return queryset


class PageMapped:
    """A counted list whose page, once sliced from the queryset, goes through `each_page(items)`
    before it is written out: work that needs the whole page at once (one query to know which
    persons of the page to mask), done for the page only."""

    def __init__(
        self, queryset: QuerySet[Any], count: int, each_page: Callable[[list[Any]], list[Any]]
    ) -> None:
        self.queryset, self.known_count, self.each_page = queryset, count, each_page

    def __getitem__(self, window: slice) -> list[Any]:
        return self.each_page(list(self.queryset[window]))

    def __len__(self) -> int:
        return self.known_count
