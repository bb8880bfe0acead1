"""Who numbers the readable codes of records made at a site (persons, households).

By default the site's own counter does (`core.services.site_next_code`). A site node working
offline must not use it: the central server and the node would give the same numbers. The sync
app installs, on a node, an allocator that numbers from the node's own counter and puts the
node's part in the code (`TD-NDJ1-N1-00012`), so codes made offline never collide.
"""

from collections.abc import Callable

Allocator = Callable[..., str]
_allocator: list[Allocator] = []


def set_allocator(allocate: Allocator | None) -> None:
    """Install `allocate(site=, kind=) -> str` (None: back to the site's counter)."""
    _allocator.clear()
    if allocate is not None:
        _allocator.append(allocate)


def allocator() -> Allocator | None:
    return _allocator[0] if _allocator else None
