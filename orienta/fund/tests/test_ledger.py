"""Requests, approvals, payments and reversals, and the ledger they write."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orienta.fund import services
from orienta.fund.models import AppendOnly, Kind, LedgerEntry, Status
from orienta.fund.services import PaymentInput, Refused
from orienta.fund.tests.factories import make_fund_request


def _position(site):
    from orienta.fund.models import Account

    return services.account_position(Account.objects.get(site=site))


def test_a_request_approved_and_paid_moves_the_money(world, users, persons, fund_td):
    site = world["sites"]["td"]
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=1500, provider=world["provider_org"]
    )
    assert req.status == Status.REQUESTED and req.code == "TD-NDJ1-F0001"
    assert req.amount == Decimal("1500") and req.currency == "XAF"
    assert req.amount_eur == Decimal("2.29")  # 1500 / 655.957
    assert _position(site).available == Decimal("10000")

    req = services.request_approve(fund_request=req, by=users["manager_td"])
    pos = _position(site)
    assert (pos.allocated, pos.committed, pos.paid, pos.available) == (10000, 1500, 0, 8500)
    assert req.decided_by == users["manager_td"] and req.decided_at is not None

    payment = services.payment_record(
        fund_request=req,
        by=users["manager_td"],
        data=PaymentInput(method="mobile", operator="Airtel Money", reference="AM240117.1522"),
    )
    pos = _position(site)
    assert (pos.committed, pos.paid, pos.available) == (0, 1500, 8500)
    assert payment.created_by == users["manager_td"] and payment.created_at is not None

    services.payment_reverse(fund_request=req, by=users["manager_td"], reason="Paid twice")
    pos = _position(site)
    assert (pos.committed, pos.paid, pos.available) == (0, 0, 10000)
    kinds = list(LedgerEntry.objects.filter(request=req).values_list("kind", "by__username"))
    assert kinds == [
        (Kind.COMMITMENT, "manager_td"),
        (Kind.PAYMENT, "manager_td"),
        (Kind.REVERSAL, "manager_td"),
    ]
    req.refresh_from_db()
    assert req.status == Status.REVERSED
    payment.refresh_from_db()
    assert payment.reversed_by == users["manager_td"] and payment.reversal_reason == "Paid twice"


def test_approval_beyond_the_balance_is_refused(world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td2"], users["agent_td2"], amount=6000, provider=world["provider_org"]
    )
    with pytest.raises(Refused, match="only 5"):
        services.request_approve(fund_request=req, by=users["coordinator_td"])
    req.refresh_from_db()
    assert req.status == Status.REQUESTED
    assert not LedgerEntry.objects.filter(request=req).exists()


def test_nobody_approves_their_own_request(world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td"], users["manager_td"], amount=500, provider=world["provider_org"]
    )
    with pytest.raises(PermissionDenied):
        services.request_approve(fund_request=req, by=users["manager_td"])
    services.request_approve(fund_request=req, by=users["coordinator_td"])


def test_above_the_threshold_only_the_coordinator_approves(world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=2500, provider=world["provider_org"]
    )
    assert req.level == "coordinator"
    with pytest.raises(PermissionDenied):
        services.request_approve(fund_request=req, by=users["manager_td"])
    with pytest.raises(PermissionDenied):
        services.request_approve(fund_request=req, by=users["coordinator_mz"])
    with pytest.raises(PermissionDenied):
        services.request_approve(fund_request=req, by=users["agent_td2"])
    assert services.request_approve(fund_request=req, by=users["coordinator_td"]).status == (
        Status.APPROVED
    )


def test_rejection_needs_a_reason(world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )
    with pytest.raises(ValidationError):
        services.request_reject(fund_request=req, by=users["manager_td"], reason="  ")
    req = services.request_reject(fund_request=req, by=users["manager_td"], reason="Not eligible")
    assert req.status == Status.REJECTED and req.decision_reason == "Not eligible"
    with pytest.raises(Refused):
        services.request_approve(fund_request=req, by=users["manager_td"])


def test_cancelling_an_approved_request_releases_the_commitment(world, users, persons, fund_td):
    site = world["sites"]["td"]
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=700, provider=world["provider_org"]
    )
    services.request_approve(fund_request=req, by=users["manager_td"])
    assert _position(site).available == 9300
    services.request_cancel(fund_request=req, by=users["agent_td"], reason="Service now free")
    assert _position(site).available == 10000
    assert LedgerEntry.objects.filter(request=req, kind=Kind.RELEASE).count() == 1
    with pytest.raises(Refused):
        services.payment_record(
            fund_request=req,
            by=users["manager_td"],
            data=PaymentInput(method="cash", receipt_number="R-1"),
        )


def test_nothing_is_paid_twice(world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=700, provider=world["provider_org"]
    )
    services.request_approve(fund_request=req, by=users["manager_td"])
    cash = PaymentInput(method="cash", receipt_number="R-17")
    services.payment_record(fund_request=req, by=users["manager_td"], data=cash)
    with pytest.raises(Refused):
        services.payment_record(fund_request=req, by=users["coordinator_td"], data=cash)
    assert LedgerEntry.objects.filter(request=req, kind=Kind.PAYMENT).count() == 1


def test_a_mobile_reference_is_used_once(world, users, persons, fund_td):
    a, b = (
        make_fund_request(p, u, amount=300, provider=world["provider_org"])
        for p, u in ((persons["person_td"], users["agent_td"]),) * 2
    )
    for req in (a, b):
        services.request_approve(fund_request=req, by=users["manager_td"])
    data = PaymentInput(method="mobile", operator="Moov Money", reference="MM-991")
    services.payment_record(fund_request=a, by=users["manager_td"], data=data)
    with pytest.raises(ValidationError) as err:
        services.payment_record(fund_request=b, by=users["manager_td"], data=data)
    assert "reference" in err.value.message_dict


def test_payment_needs_a_known_operator_and_a_reference(world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=300, provider=world["provider_org"]
    )
    services.request_approve(fund_request=req, by=users["manager_td"])
    with pytest.raises(ValidationError) as err:
        services.payment_record(
            fund_request=req,
            by=users["manager_td"],
            data=PaymentInput(method="mobile", operator="M-Pesa", reference=""),
        )
    assert set(err.value.message_dict) == {"operator", "reference"}
    with pytest.raises(ValidationError):
        services.payment_record(
            fund_request=req, by=users["manager_td"], data=PaymentInput(method="cash")
        )
    with pytest.raises(PermissionDenied):
        services.payment_record(
            fund_request=req,
            by=users["agent_td"],
            data=PaymentInput(method="cash", receipt_number="1"),
        )


def test_reversal_needs_a_reason_and_a_paid_request(world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=300, provider=world["provider_org"]
    )
    with pytest.raises(ValidationError):
        services.payment_reverse(fund_request=req, by=users["manager_td"], reason="")
    with pytest.raises(Refused):
        services.payment_reverse(fund_request=req, by=users["manager_td"], reason="Error")


def test_ledger_entries_cannot_be_changed_or_removed(world, users, persons, fund_td):
    entry = LedgerEntry.objects.first()
    entry.amount = Decimal("99999")
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("10000")


def test_only_the_coordinator_or_an_administrator_allocates(world, users, fund_td):
    fund, period = fund_td["fund"], fund_td["period"]
    for role in ("agent_td", "manager_td", "coordinator_mz", "me_hq", "provider_user"):
        with pytest.raises(PermissionDenied):
            services.allocation_record(
                fund=fund, site=world["sites"]["td"], period=period, amount=10, by=users[role]
            )
    with pytest.raises(ValidationError):
        services.allocation_record(
            fund=fund,
            site=world["sites"]["mz"],
            period=period,
            amount=10,
            by=users["coordinator_td"],
        )
    entry = services.allocation_record(
        fund=fund, site=world["sites"]["td"], period=period, amount=10, by=users["admin_user"]
    )
    assert entry.by == users["admin_user"]


# The ledger keeps no free text about a person
# =============================================================================================

PERSONAL = "Achta Mahamat a rendu l'argent, son fils est malade"


def _paid(world, users, persons):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=1500, provider=world["provider_org"]
    )
    services.request_approve(fund_request=req, by=users["manager_td"])
    services.payment_record(
        fund_request=req,
        by=users["manager_td"],
        data=PaymentInput(method="cash", receipt_number="R-7"),
    )
    return req


def test_reversal_and_cancellation_reasons_stay_out_of_the_ledger_and_the_admin(
    login, world, users, persons, fund_td
):
    reversed_req = _paid(world, users, persons)
    services.payment_reverse(fund_request=reversed_req, by=users["manager_td"], reason=PERSONAL)
    cancelled = make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )
    services.request_approve(fund_request=cancelled, by=users["manager_td"])
    services.request_cancel(fund_request=cancelled, by=users["manager_td"], reason=PERSONAL)
    entries = LedgerEntry.objects.filter(request__in=[reversed_req, cancelled])
    assert set(entries.values_list("kind", flat=True)) >= {Kind.REVERSAL, Kind.RELEASE}
    assert not entries.exclude(note="").exists()
    # The reason is kept where it belongs: on the payment and the request, for their readers.
    assert (
        reversed_req.payment.__class__.objects.get(request=reversed_req).reversal_reason == PERSONAL
    )
    admin = login(users["admin_user"])
    listing = admin.get("/admin/fund/ledgerentry/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "Achta" not in listing and "Reversal of the payment of" in listing
    for entry in entries:
        page = admin.get(f"/admin/fund/ledgerentry/{entry.pk}/change/").text
        assert "Achta" not in page and "malade" not in page


def test_the_migration_empties_the_reasons_already_copied_into_the_ledger(
    world, users, persons, fund_td, settings
):
    """The ledger refuses changes from the application; a migration works on the historical
    model, whose manager is Django's plain one, and so may empty the copied texts."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    req = _paid(world, users, persons)
    services.payment_reverse(fund_request=req, by=users["manager_td"], reason="Paid twice")
    reversal = LedgerEntry.objects.get(request=req, kind=Kind.REVERSAL)
    # As the ledger was written before: the reason copied into the entry's note.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LedgerEntry._meta.db_table} SET note = %s WHERE id = %s",
            [PERSONAL, reversal.pk.hex if connection.vendor == "sqlite" else reversal.pk],
        )
    allocation = LedgerEntry.objects.filter(kind=Kind.ALLOCATION).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LedgerEntry._meta.db_table} SET note = %s WHERE id = %s",
            [
                "Dotation trimestrielle",
                allocation.pk.hex if connection.vendor == "sqlite" else allocation.pk,
            ],
        )
    assert LedgerEntry.objects.get(pk=reversal.pk).note == PERSONAL
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.filter(pk=reversal.pk).update(note="")
    migration = importlib.import_module("orienta.fund.migrations.0005_ledger_notes_without_reasons")
    # The migrations on disk, also when the test database was built without them.
    settings.MIGRATION_MODULES = {}
    state = MigrationLoader(None).project_state(("fund", "0005_ledger_notes_without_reasons"))
    migration.empty_copied_reasons(state.apps, None)
    assert LedgerEntry.objects.get(pk=reversal.pk).note == ""
    assert LedgerEntry.objects.get(pk=allocation.pk).note == "Dotation trimestrielle"


def test_an_erasure_empties_the_reversal_reason_of_the_payment(world, users, persons, fund_td):
    from orienta.fund.models import Payment
    from orienta.fund.rights import erase

    req = _paid(world, users, persons)
    services.payment_reverse(fund_request=req, by=users["manager_td"], reason=PERSONAL)
    erase([persons["person_td"].pk], by=users["manager_td"])
    assert Payment.objects.get(request=req).reversal_reason == ""
