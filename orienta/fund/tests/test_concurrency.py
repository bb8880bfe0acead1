"""Concurrent approvals against one site's fund, each in its own database connection."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from orienta.fund import services
from orienta.fund.models import Account, FundRequest, Kind, LedgerEntry, Status
from orienta.fund.services import Refused
from orienta.fund.tests.factories import make_fund, make_fund_request

APPROVALS = 50
AMOUNT = 300
ALLOCATED = 3100  # covers 10 requests of 300 (3 000), not 11


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_approvals_never_overspend(world, users, persons):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter: SQLite runs one writer at a time")
    site = world["sites"]["td"]
    make_fund(world["td"], coordinator=users["coordinator_td"], allocations=[(site, ALLOCATED)])
    requests = [
        make_fund_request(
            persons["person_td"], users["agent_td"], amount=AMOUNT, provider=world["provider_org"]
        )
        for _ in range(APPROVALS)
    ]
    barrier = threading.Barrier(APPROVALS)
    approved, refused, errors = [], [], []

    def approve(req):
        try:
            connection.ensure_connection()  # this thread's own connection, opened before the start
            barrier.wait(timeout=60)
            services.request_approve(fund_request=req, by=users["manager_td"])
            approved.append(req.pk)
        except Refused as exc:
            refused.append(exc.message)
        except Exception as exc:  # reported by the assertion below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    affordable = ALLOCATED // AMOUNT
    assert len(approved) == affordable
    assert len(refused) == APPROVALS - affordable
    assert all("cannot cover" in message for message in refused)
    position = services.account_position(Account.objects.get(site=site))
    assert position.committed == Decimal(affordable * AMOUNT)
    assert position.available == Decimal(ALLOCATED - affordable * AMOUNT)
    assert FundRequest.objects.filter(status=Status.APPROVED).count() == affordable
    commitments = LedgerEntry.objects.filter(kind=Kind.COMMITMENT)
    assert commitments.count() == affordable
    assert set(commitments.values_list("by__username", flat=True)) == {"manager_td"}
    assert all(e.at is not None for e in commitments)
