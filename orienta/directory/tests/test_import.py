import io
import json
import zipfile

import pytest

from orienta.directory import exchange
from orienta.directory.models import CostOption, Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Error messages are checked as written in English (the msgids)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _document():
    return json.loads(exchange.export_json_bytes(Service.objects.all()))


def test_json_errors_are_located_and_nothing_is_saved(directory, users):
    document = _document()
    document[0]["name"] = "Renamed"
    del document[1]["status"]
    document[2]["cost_options"][0]["amount"] = "cheap"
    before = Service.objects.count()
    with pytest.raises(exchange.ImportFailed) as failure:
        exchange.import_json(json.dumps(document).encode(), by=users["me_hq"])
    errors = failure.value.errors
    assert any(e.startswith("[1]") and "status" in e for e in errors)
    assert any(e.startswith("[2].cost_options[0].amount") for e in errors)
    assert Service.objects.count() == before
    assert not Service.objects.filter(name="Renamed").exists()


def test_semantic_errors_roll_everything_back(directory, users):
    document = _document()
    first_name = document[0]["name"]
    document[0]["name"] = "Renamed"
    document[1]["service_at_locations"] = document[1]["service_at_locations"] or []
    for attr in document[2]["organization"]["attributes"]:
        if attr["link_type"] == "country":
            attr["value"] = "ZZ"
    with pytest.raises(exchange.ImportFailed) as failure:
        exchange.import_json(json.dumps(document).encode(), by=users["me_hq"])
    assert failure.value.errors[0].startswith("[2].organization")
    assert "ZZ" in failure.value.errors[0]
    assert Service.objects.filter(name=first_name).exists()


def test_a_coordinator_imports_only_their_country(directory, users):
    document = _document()
    with pytest.raises(exchange.ImportFailed) as failure:
        exchange.import_json(json.dumps(document).encode(), by=users["coordinator_td"])
    assert len(failure.value.errors) == 1
    td_only = [s for s in document if s["organization"]["name"] != "Associação Kuvumbana"]
    assert exchange.import_json(json.dumps(td_only).encode(), by=users["coordinator_td"]) == 2


def _zip_with(table_path, mutate):
    raw = exchange.export_zip(Service.objects.all())
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name).decode()
            target.writestr(name, mutate(data) if name == table_path else data)
    return out.getvalue()


def test_csv_errors_give_file_and_line(directory, users):
    def break_amount(text):
        lines = text.splitlines()
        header = lines[0].split(",")
        cells = lines[2].split(",")
        cells[header.index("amount")] = "beaucoup"
        lines[2] = ",".join(cells)
        return "\n".join(lines) + "\n"

    raw = _zip_with("cost_options.csv", break_amount)
    amounts = list(CostOption.objects.values_list("amount", flat=True))
    with pytest.raises(exchange.ImportFailed) as failure:
        exchange.import_zip(raw, by=users["me_hq"])
    assert failure.value.errors[0].startswith("cost_options.csv, line 3: amount")
    assert list(CostOption.objects.values_list("amount", flat=True)) == amounts


def test_csv_semantic_error_points_to_the_line(directory, users):
    raw = _zip_with("schedules.csv", lambda text: text.replace("MO,TU,WE,TH,FR", "XX"))
    with pytest.raises(exchange.ImportFailed) as failure:
        exchange.import_zip(raw, by=users["me_hq"])
    assert failure.value.errors[0].startswith("schedules.csv, line")


def test_bad_files(users, directory):
    with pytest.raises(exchange.ImportFailed):
        exchange.import_json(b"{not json", by=users["me_hq"])
    with pytest.raises(exchange.ImportFailed):
        exchange.import_json(b'{"a": 1}', by=users["me_hq"])
    with pytest.raises(exchange.ImportFailed):
        exchange.import_zip(b"PK no", by=users["me_hq"])


def test_import_page_in_french(login, users, directory):
    from django.core.files.uploadedfile import SimpleUploadedFile

    users["me_hq"].language = "fr"
    users["me_hq"].save()
    client = login(users["me_hq"])
    document = _document()
    del document[0]["status"]
    upload = SimpleUploadedFile("hsds.json", json.dumps(document).encode())
    response = client.post("/directory/exchange/", {"file": upload})
    assert response.status_code == 422
    assert "[0]" in response.content.decode()
    good = SimpleUploadedFile("hsds.zip", exchange.export_zip(Service.objects.all()))
    response = client.post("/directory/exchange/", {"file": good})
    assert response.status_code == 302


def test_export_downloads(login, users, directory):
    client = login(users["coordinator_mz"])
    response = client.get("/directory/exchange/hsds.json")
    names = [s["name"] for s in json.loads(response.content)]
    assert names == ["Assistência jurídica"]
    response = client.get("/directory/exchange/hsds.zip?country=MZ")
    assert response["Content-Type"] == "application/zip"
    assert "services.csv" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_csv_line_numbers_count_cells_on_several_lines(directory, users):
    Service.objects.filter(pk=directory["legal"].pk).update(description="Primeira linha\nSegunda")

    def break_status(text):
        lines = text.split("\n")
        index = next(i for i, line in enumerate(lines) if "Déclaration" in line)
        lines[index] = lines[index].replace(",active,", ",open,")
        return "\n".join(lines)

    raw = _zip_with("services.csv", break_status)
    with pytest.raises(exchange.ImportFailed) as failure:
        exchange.import_zip(raw, by=users["me_hq"])
    assert failure.value.errors == [
        "services.csv, line 5: status: “open” is not one of: active, inactive, defunct, "
        "temporarily closed"
    ]
