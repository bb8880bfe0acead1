"""The demo's support fund loads with the rest of the demo, through the services."""

from orienta.fund import services
from orienta.fund.models import Account, Fund, FundRequest, Kind, LedgerEntry, Payment, Status


def test_demo_fund(demo_data):
    assert set(Fund.objects.values_list("currency", flat=True)) == {"XAF", "MZN", "XOF"}
    assert Account.objects.count() == 6
    for account in Account.objects.all():
        position = services.account_position(account)
        assert position.allocated > 0 and position.available >= 0
    statuses = set(FundRequest.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    methods = set(Payment.objects.values_list("method", flat=True))
    assert methods == {"cash", "mobile"}
    assert FundRequest.objects.filter(referral__isnull=False).exists()
    assert LedgerEntry.objects.filter(kind=Kind.REVERSAL).exists()
    assert not LedgerEntry.objects.filter(by__isnull=True).exists()
