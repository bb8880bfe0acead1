"""Sub-grants in tranches with their reports, and funding applications with their totals."""

from datetime import date
from decimal import Decimal

import pytest

from orienta.partners import queries, services
from orienta.partners.models import Application, Tranche

D = Decimal


@pytest.fixture
def grant(users, cso_td):
    return services.grant_create(
        organisation=cso_td,
        reference="SG-TD-01",
        purpose="Accueil au BIOSP",
        amount=D("1000000"),
        currency="XAF",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        by=users["coordinator_td"],
    )


def test_tranches_never_add_up_to_more_than_the_grant(users, grant):
    by = users["coordinator_td"]
    first = services.tranche_add(
        grant=grant, amount=D("600000"), planned_on=date(2026, 1, 15), by=by
    )
    second = services.tranche_add(
        grant=grant,
        amount=D("400000"),
        planned_on=date(2026, 7, 1),
        conditions="Rapport semestriel approuvé",
        by=by,
    )
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(services.PartnerRefused, match="more than the grant"):
        services.tranche_add(grant=grant, amount=D("1"), planned_on=date(2026, 9, 1), by=by)
    assert Tranche.objects.count() == 2


def test_a_tranche_is_released_once(users, grant):
    by = users["cso_td"]
    tranche = services.tranche_add(
        grant=grant, amount=D("600000"), planned_on=date(2026, 1, 15), by=by
    )
    services.tranche_release(tranche=tranche, by=by, released_on=date(2026, 1, 20))
    with pytest.raises(services.PartnerRefused, match="released already"):
        services.tranche_release(tranche=tranche, by=by)


def test_reports_due_and_received(client, users, grant):
    from orienta.conftest import force_login_verified

    report = services.report_add(
        grant=grant, kind="narrative", due_on=date(2026, 7, 1), by=users["cso_td"]
    )
    force_login_verified(client, users["cso_td"])
    client.post(f"/partners/reports/{report.pk}/received/")
    report.refresh_from_db()
    assert report.received_on is not None
    page = client.get(f"/partners/grants/{grant.pk}/")
    assert "Narrative report" in page.text and "received on" in page.text


def test_a_grant_period_must_not_end_before_it_starts(users, cso_td):
    with pytest.raises(services.PartnerRefused, match="ends before it starts"):
        services.grant_create(
            organisation=cso_td,
            reference="SG-X",
            purpose="x",
            amount=D("10"),
            currency="XAF",
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 5, 1),
            by=users["coordinator_td"],
        )


def _application(org, by, **kw):
    data = {"donor": "Union européenne", "amount_requested": D("1000"), "currency": "EUR"} | kw
    return services.application_create(
        organisation=org, data=services.ApplicationData(**data), by=by
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"stage": "won", "submitted_on": date(2026, 1, 1), "decided_on": date(2026, 2, 1)},
            "amount obtained",
        ),
        ({"stage": "submitted"}, "date the application was submitted"),
        ({"stage": "lost", "submitted_on": date(2026, 1, 1)}, "donor's decision"),
        ({"stage": "idea", "amount_obtained": D("5")}, "Only an application won"),
        (
            {
                "stage": "won",
                "submitted_on": date(2026, 3, 1),
                "decided_on": date(2026, 2, 1),
                "amount_obtained": D("5"),
            },
            "cannot come before",
        ),
        ({"stage": "drafting", "currency": "euro"}, "three letters"),
    ],
)
def test_an_inconsistent_application_is_refused(users, cso_td, data, message):
    with pytest.raises(services.PartnerRefused, match=message):
        _application(cso_td, users["cso_td"], **data)
    assert not Application.objects.exists()


def test_totals_per_year_and_currency(users, cso_td):
    by = users["cso_td"]
    _application(
        cso_td,
        by,
        stage="won",
        submitted_on=date(2025, 11, 2),
        decided_on=date(2026, 2, 1),
        amount_obtained=D("800"),
    )
    _application(
        cso_td, by, stage="submitted", submitted_on=date(2026, 2, 20), amount_requested=D("500")
    )
    _application(
        cso_td,
        by,
        stage="lost",
        submitted_on=date(2026, 1, 5),
        decided_on=date(2026, 3, 2),
        amount_requested=D("300"),
    )
    _application(
        cso_td,
        by,
        stage="won",
        submitted_on=date(2026, 1, 5),
        decided_on=date(2026, 3, 2),
        amount_requested=D("200000"),
        currency="XAF",
        amount_obtained=D("150000"),
    )
    _application(cso_td, by, stage="idea", amount_requested=D("9999"))
    totals = {
        (t.year, t.currency): t for t in queries.application_totals(queries.applications(cso_td))
    }
    assert set(totals) == {(2025, "EUR"), (2026, "EUR"), (2026, "XAF")}
    eur25, eur26, xaf26 = totals[2025, "EUR"], totals[2026, "EUR"], totals[2026, "XAF"]
    assert (eur25.submitted, eur25.requested, eur25.won, eur25.obtained) == (1, D("1000"), 0, 0)
    assert (eur26.submitted, eur26.requested, eur26.won, eur26.obtained) == (
        2,
        D("800"),
        1,
        D("800"),
    )
    assert (xaf26.submitted, xaf26.requested, xaf26.won, xaf26.obtained) == (
        1,
        D("200000"),
        1,
        D("150000"),
    )


def test_an_application_moves_on_and_a_stale_form_is_refused(client, users, cso_td):
    from orienta.conftest import force_login_verified

    made = _application(cso_td, users["cso_td"], stage="drafting")
    force_login_verified(client, users["cso_td"])
    form = {
        "donor": "Union européenne",
        "amount_requested": "1000",
        "currency": "EUR",
        "stage": "won",
        "submitted_on": "2026-01-05",
        "decided_on": "2026-02-01",
        "amount_obtained": "900",
        "version": str(made.version),
    }
    assert client.post(f"/partners/applications/{made.pk}/", form).status_code == 302
    made.refresh_from_db()
    assert (made.stage, made.amount_obtained) == ("won", D("900"))
    again = client.post(f"/partners/applications/{made.pk}/", form | {"amount_obtained": "1"})
    assert again.status_code == 422
    made.refresh_from_db()
    assert made.amount_obtained == D("900")
