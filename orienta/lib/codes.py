"""Who numbers the readable codes of records made at a site (persons, households).

By default the site's own counter does (`core.services.site_next_code`). A site node working
offline must not use it: the central server and the node would give the same numbers. The sync
app installs, on a node, an allocator that numbers from the node's own counter and puts the
node's part in the code (`TD-NDJ1-N1-00012`), so codes made offline never collide.
"""

from collections.abc import Callable

# Referral references are random (K7M-3QX). Those starting with this letter are made by site
# nodes only, in the block of two letters each node is given: the central server never starts
# one with it, so a reference made offline never collides.
NODE_REFERRAL_MARK = "Z"

Allocator = Callable[..., str]
_allocator: list[Allocator] = []


def set_allocator(allocate: Allocator | None) -> None:
    """Install `allocate(site=, kind=) -> str` (None: back to the site's counter)."""
    _allocator.clear()
    if allocate is not None:
        _allocator.append(allocate)


def allocator() -> Allocator | None:
    return _allocator[0] if _allocator else None


# The provider's link of a referral slip printed at a site node: its token starts with this
# mark (a dot, which the central server's tokens never hold), so that the central server, asked
# for a link a node made and has not sent yet, says so instead of "not valid".
NODE_LINK_MARK = "n."

PublicUrl = Callable[[], str]
_public_url: list[PublicUrl] = []


def set_public_url(find: PublicUrl | None) -> None:
    """Install `find() -> str`, the address of the server providers open the slips' links on
    when ORIENTA_PUBLIC_URL is not set: on a site node, the central server's."""
    _public_url.clear()
    if find is not None:
        _public_url.append(find)


def public_url() -> str:
    return _public_url[0]() if _public_url else ""
