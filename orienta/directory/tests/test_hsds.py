import json

import pytest

from orienta.directory import exchange, hsds
from orienta.directory.models import Service
from orienta.directory.tests.schemas import PUBLISHED, published, valid

pytestmark = pytest.mark.django_db


def _valid(instance, name):
    valid(instance, name)


def test_every_exported_service_is_valid_hsds(directory):
    document = exchange.export_json(Service.objects.all())
    assert len(document) == 3
    for item in document:
        _valid(item, "compiled/service.json")
    registry = next(s for s in document if s["name"].startswith("Déclaration"))
    assert registry["wait_time"] == "10 days"
    assert [d["document"] for d in registry["required_documents"]] == [
        "Témoignage de deux personnes",
        "Carnet de vaccination",
    ]
    assert registry["cost_options"][0]["amount"] == 1000
    assert registry["cost_options"][0]["currency"] == "XAF"
    sal_schedules = [s for sal in registry["service_at_locations"] for s in sal["schedules"]]
    permanence = next(s for s in sal_schedules if s.get("attending_type") == "in_person")
    assert permanence["byday"] == "TU"
    assert permanence["opens_at"] == "09:00+01:00"
    assert permanence["attributes"][0]["value"] == "free"


def test_stale_flag(directory):
    assert directory["legal"].is_stale()
    assert not directory["registry"].is_stale()
    assert set(Service.objects.stale()) == {directory["legal"]}


def _wipe():
    from orienta.directory.models import Location, OrganisationProfile

    Service.objects.all().delete()
    Location.objects.all().delete()
    OrganisationProfile.objects.all().delete()


def test_json_export_import_export_is_identical(directory, users):
    first = exchange.export_json_bytes(Service.objects.all())
    _wipe()
    assert exchange.import_json(first, by=users["me_hq"]) == 3
    second = exchange.export_json_bytes(Service.objects.all())
    assert first == second


def test_csv_package_export_import_export_is_identical(directory, users):
    import io
    import zipfile

    first = exchange.export_zip(Service.objects.all())
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert "datapackage.json" in archive.namelist()
    assert "services.csv" in archive.namelist()
    package = json.loads(archive.read("datapackage.json"))
    assert package["profile"] == "tabular-data-package"
    paths = {resource["path"] for resource in package["resources"]}
    assert len(paths) == 21 and paths | {"datapackage.json"} == set(archive.namelist())
    header = archive.read("services.csv").decode().splitlines()[0].split(",")
    assert header[:3] == ["id", "organization_id", "program_id"]
    _wipe()
    assert exchange.import_zip(first, by=users["me_hq"]) == 3
    second = exchange.export_zip(Service.objects.all())
    again = zipfile.ZipFile(io.BytesIO(second))
    for name in archive.namelist():
        assert archive.read(name) == again.read(name), name


@pytest.mark.skipif(not PUBLISHED.exists(), reason="the published schemas are not beside")
def test_the_kept_schemas_are_the_published_ones():
    kept = sorted(p.relative_to(hsds.SCHEMA_DIR) for p in hsds.SCHEMA_DIR.rglob("*.json"))
    assert len(kept) >= 24
    for name in kept:
        assert (hsds.SCHEMA_DIR / name).read_bytes() == (PUBLISHED / name).read_bytes(), name


def test_runtime_validation_matches_the_compiled_schema(directory):
    document = exchange.export_json(Service.objects.all())
    document[0]["status"] = "open"
    document[1]["cost_options"][0]["amount"] = "x"
    runtime = [
        list(e.absolute_path) for e in hsds.validator("service.json").iter_errors(document[0])
    ]
    compiled = [
        list(e.absolute_path) for e in published("compiled/service.json").iter_errors(document[0])
    ]
    assert runtime == compiled == [["status"]]
    assert not list(hsds.validator("service.json").iter_errors(document[2]))
    assert [
        list(e.absolute_path) for e in hsds.validator("service.json").iter_errors(document[1])
    ] == [["cost_options", 0, "amount"]]
