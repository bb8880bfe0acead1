"""The demo directory loads with the rest of the demo, and is valid HSDS."""

from orienta.directory import exchange
from orienta.directory.models import CostOption, Permanence, Service
from orienta.directory.tests.schemas import published


def test_demo_directory(demo_data):
    services = Service.objects.all()
    assert services.count() >= 20
    assert {s.organisation.country.code for s in services} == {"TD", "MZ", "GW"}
    currencies = set(CostOption.objects.values_list("currency", flat=True))
    assert currencies == {"XAF", "MZN", "XOF"}
    for cost in CostOption.objects.select_related("service"):
        rate = {"XAF": 655.957, "XOF": 655.957, "MZN": 70}[cost.currency]
        assert 0.5 <= float(cost.amount) / rate <= 3.5, cost
        if cost.currency != "MZN":
            assert cost.amount == cost.amount.to_integral_value()
    assert any(s.is_stale() for s in services)
    assert sum(not s.is_stale() for s in services) > services.count() / 2
    sites = set(Permanence.objects.values_list("site__code", flat=True))
    assert sites == {"TD-NDJ1", "TD-MOU1", "MZ-MPM1", "MZ-BEI1", "GW-BIS1", "GW-GAB1"}
    tuesday = Permanence.objects.get(site__code="TD-NDJ1", weekday=1)
    assert tuesday.free and tuesday.service.themes.filter(code="civil_registration").exists()


def test_demo_export_is_valid(demo_data):
    validator = published("compiled/service.json")
    for item in exchange.export_json(Service.objects.all()):
        validator.validate(item)
