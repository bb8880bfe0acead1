"""Retention clears what was written about a person on old closed requests, not the accounts."""

from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orienta.fund import services
from orienta.fund.models import FundRequest, LedgerEntry
from orienta.fund.receipts import receipt_check
from orienta.fund.retention import RULES
from orienta.fund.tests.factories import make_fund_request

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_old_closed_requests_lose_their_texts_and_receipts(world, users, persons, fund_td, media):
    paid = make_fund_request(
        persons["person_td"],
        users["agent_td"],
        amount=500,
        provider=world["provider_org"],
        reason="Veuve, violences",
    )
    services.request_approve(fund_request=paid, by=users["manager_td"])
    receipt = receipt_check(SimpleUploadedFile("x.png", PNG))
    payment = services.payment_record(
        fund_request=paid,
        by=users["manager_td"],
        data=services.PaymentInput(method="cash", receipt_number="R9", receipt=receipt),
    )
    path = payment.receipt.path
    waiting = make_fund_request(
        persons["person_td"], users["agent_td"], amount=300, provider=world["provider_org"]
    )
    (rule,) = RULES
    future = timezone.now() + timedelta(days=1)
    assert rule.apply(future, True) == 1
    entries = LedgerEntry.objects.count()
    assert rule.apply(future, False) == 1
    paid.refresh_from_db()
    waiting.refresh_from_db()
    assert paid.reason == "—" and paid.amount == 500 and paid.status == "paid"
    assert waiting.reason == "Cannot pay the fee"
    assert not Path(path).exists()
    payment.refresh_from_db()
    assert not payment.receipt
    assert LedgerEntry.objects.count() == entries
    assert rule.apply(future, True) == 0
    assert FundRequest.objects.count() == 2
