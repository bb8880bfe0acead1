"""Money of a site's fund that approvals made here may not use.

A site node approves offline only within an allowance the central server reserved for it, and
the central server keeps the allowances of a site's nodes aside from its own approvals: the
sync app installs the check (`orienta/sync/allowance.py`). Without it, nothing is held back.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

# check(account, fund_request, available): raises Refused when the request may not be approved
# here, `available` being what the site's account has left.
Check = Callable[[Any, Any, Decimal], None]
_check: list[Check] = []


def set_check(check: Check | None) -> None:
    _check.clear()
    if check is not None:
        _check.append(check)


def approval_check(account: Any, fund_request: Any, available: Decimal) -> None:
    if _check:
        _check[0](account, fund_request, available)
