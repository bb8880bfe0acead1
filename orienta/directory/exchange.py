"""HSDS 3.0 export and import: a JSON array of fully nested services, or a CSV tabular data
package (a zip of datapackage.json and one CSV file per HSDS table, as compiled/tabular.json
describes).

Imports are all-or-nothing: the whole file is checked against the published schemas and
against the directory (countries, areas, themes, sites), every problem is reported with its
place (JSON path, or CSV file and line), and nothing is saved unless there is none.

CSV cells are written through `orienta.lib.tabular`, like every spreadsheet Orienta makes: a
text that a spreadsheet program would run as a formula (starting with "=", "+", "-", "@", a tab
or a carriage return, e.g. a phone number "+235 66…" or a name "=HYPERLINK(…)") is written with
a leading apostrophe ("'+235 66…"). Other HSDS consumers reading the CSV package see that
apostrophe; the JSON export carries the values unchanged. The CSV import removes exactly that
one apostrophe again (`tabular.restore`), so export → import → export gives the same files.
"""

import csv
import io
import json
import zipfile
from collections import defaultdict
from typing import Any

import jsonschema
from django.utils.translation import gettext as _

from orienta.directory import hsds
from orienta.lib import tabular

# Nested keys of an HSDS object and the table their items belong to.
NESTED_TABLES = {
    "organization": "organization",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "location": "location",
    "addresses": "address",
    "languages": "language",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "contacts": "contact",
    "attributes": "attribute",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
}


def _tables_in_order() -> tuple[str, ...]:
    """Every HSDS table, in the order of the standard's tabular description."""
    tabular = hsds.schema("compiled/tabular.json")["properties"]
    return tuple(
        sorted(tabular, key=lambda name: tabular[name]["items"]["datapackage_metadata"]["order"])
    )


# The package holds every table of the standard (those Orienta has no data for, empty).
EXPORTED_TABLES = _tables_in_order()


class ImportFailed(Exception):
    """The file cannot be imported; `errors` lists every problem, each with its place."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- export ---------------------------------------------------------------------------------


def export_json(services) -> list[dict]:
    qs = hsds.with_relations(services.filter(deleted_at__isnull=True)).order_by("name", "id")
    return [hsds.service(svc) for svc in qs]


def export_json_bytes(services) -> bytes:
    document = export_json(services)
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def table_fields(table: str) -> list[str]:
    """The tabular (scalar) fields of an HSDS table, in the standard's order."""
    properties = hsds.schema("compiled/tabular.json")["properties"][table]["items"]["properties"]
    return [
        name
        for name, spec in properties.items()
        if spec.get("type") not in ("array", "object") and "$ref" not in spec
    ]


def table_path(table: str) -> str:
    return hsds.schema("compiled/tabular.json")["properties"][table]["items"]["path"]


def flatten(document: list[dict]) -> dict[str, list[dict]]:
    """The rows of every table, from nested service objects (each object once, in order)."""
    tables: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()

    def walk(obj: dict, table: str) -> None:
        if (table, obj["id"]) not in seen:
            seen.add((table, obj["id"]))
            tables[table].append({k: v for k, v in obj.items() if not isinstance(v, (dict, list))})
        for key, value in obj.items():
            child = NESTED_TABLES.get(key)
            if child is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                walk(item, child)

    for service in document:
        walk(service, "service")
    return tables


def datapackage(tables: dict[str, list[dict]]) -> dict:
    tabular = hsds.schema("compiled/tabular.json")["properties"]
    resources = []
    for table in EXPORTED_TABLES:
        spec = tabular[table]["items"]
        fields = [
            {
                k: v
                for k, v in spec["properties"][name].items()
                if k in ("name", "type", "format", "description", "constraints")
            }
            for name in table_fields(table)
        ]
        resources.append(
            {
                "name": table,
                "path": spec["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": "orienta-directory",
        "profile": "tabular-data-package",
        "title": "Orienta service directory (HSDS 3.0)",
        "resources": resources,
    }


def export_zip(services) -> bytes:
    tables = flatten(export_json(services))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        package = datapackage(tables)
        archive.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
        for table in EXPORTED_TABLES:
            fields = table_fields(table)
            out = io.StringIO()
            writer = tabular.csv_writer(out, lineterminator="\n")
            writer.writerow(fields)
            for row in tables.get(table, []):
                writer.writerow([row.get(name) for name in fields])
            archive.writestr(table_path(table), out.getvalue())
    return buffer.getvalue()


# --- schema errors --------------------------------------------------------------------------


def _path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "/"


def schema_message(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return _("the field “%(field)s” is missing") % {"field": missing}
    if kind == "type":
        return _("wrong type (expected %(type)s)") % {"type": error.validator_value}
    if kind == "enum" and isinstance(error.validator_value, list):  # a JSON array
        allowed = ", ".join(str(v) for v in error.validator_value)
        return _("“%(value)s” is not one of: %(allowed)s") % {
            "value": error.instance,
            "allowed": allowed,
        }
    if kind == "format":
        return _("“%(value)s” is not a valid %(format)s") % {
            "value": error.instance,
            "format": error.validator_value,
        }
    return _("invalid value “%(value)s”") % {"value": error.instance}


def schema_errors(instance, validator, prefix: list) -> list[tuple[list, str]]:
    found = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        found.append((prefix + list(error.absolute_path), schema_message(error)))
    return found


# --- JSON import ----------------------------------------------------------------------------


def parse_json(raw: bytes) -> list:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed([_("The file is not valid JSON: %(error)s") % {"error": exc}]) from exc
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    if not isinstance(document, list):
        raise ImportFailed([_("The file must hold a list of HSDS services.")])
    return document


def import_json(raw: bytes, *, by) -> int:
    """Import a JSON export; returns the number of services imported."""
    from orienta.directory.loader import load

    document = parse_json(raw)
    service_validator = hsds.validator("service.json")
    problems = []
    for index, item in enumerate(document):
        problems.extend(schema_errors(item, service_validator, [index]))
    if problems:
        raise ImportFailed([f"{_path(path)}: {message}" for path, message in problems])
    return load(document, by=by, place=lambda path, _id: _path(path))


# --- CSV import -----------------------------------------------------------------------------


def _coerce(value: str, spec: dict):
    if value == "":
        return None
    if spec.get("type") in ("number", "integer"):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    return tabular.restore(value)


def _csv_row(record: dict, spec: dict) -> dict:
    """A CSV record as an HSDS object: typed values, empty optional cells left out."""
    row = {}
    for key, value in record.items():
        if key not in spec["properties"] or value is None:
            continue
        coerced = _coerce(value, spec["properties"][key])
        if coerced is not None:
            row[key] = coerced
        elif key in spec.get("required", []):
            row[key] = ""
    return row


def _read_table(text: str, path: str, spec: dict, places: dict, problems: list) -> list[dict]:
    rows = []
    row_validator = hsds.validator("compiled/tabular.json", subschema=spec)
    reader = csv.DictReader(io.StringIO(text))
    line = reader.line_num + 2  # the first record starts after the header
    for record in reader:
        row = _csv_row(record, spec)
        where = _("%(file)s, line %(line)d") % {"file": path, "line": line}
        for err_path, message in schema_errors(row, row_validator, []):
            problems.append(f"{where}: {_path(err_path)}: {message}")
        if "id" in row:
            places.setdefault(str(row["id"]), where)
        rows.append(row)
        line = reader.line_num + 1  # a quoted cell may span several lines
    return rows


def read_tables(raw: bytes) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Rows of every HSDS table in the zip; also where each object came from ("file, line")."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise ImportFailed([_("The file is not a zip archive.")]) from exc
    tabular = hsds.schema("compiled/tabular.json")["properties"]
    names = set(archive.namelist())
    tables: dict[str, list[dict[str, Any]]] = {}
    places: dict[str, str] = {}
    problems: list[str] = []
    for table in EXPORTED_TABLES:
        spec = tabular[table]["items"]
        if spec["path"] in names:
            text = archive.read(spec["path"]).decode("utf-8-sig")
            tables[table] = _read_table(text, spec["path"], spec, places, problems)
    if "service" not in tables:
        problems.append(_("The archive has no %(file)s.") % {"file": table_path("service")})
    if problems:
        raise ImportFailed(problems)
    return tables, places


def _children(rows, key, value):
    return [r for r in rows if r.get(key) == value]


def _attributes(tables, link_id):
    out = []
    for row in _children(tables.get("attribute", []), "link_id", link_id):
        item = dict(row)
        term = next(
            (t for t in tables.get("taxonomy_term", []) if t["id"] == row.get("taxonomy_term_id")),
            None,
        )
        if term is not None:
            term = dict(term)
            detail = next(
                (x for x in tables.get("taxonomy", []) if x["id"] == term.get("taxonomy_id")),
                None,
            )
            if detail is not None:
                term["taxonomy_detail"] = dict(detail)
            item["taxonomy_term"] = term
        out.append(item)
    return out


def _phones(tables, key, value):
    return [dict(r) for r in _children(tables.get("phone", []), key, value)]


def _organization(tables, org_id):
    row = next((r for r in tables.get("organization", []) if r["id"] == org_id), None)
    if row is None:
        return None
    org = dict(row)
    org["phones"] = _phones(tables, "organization_id", org_id)
    org["contacts"] = [
        dict(r) for r in _children(tables.get("contact", []), "organization_id", org_id)
    ]
    org["attributes"] = _attributes(tables, org_id)
    return org


def _schedule(tables, row):
    item = dict(row)
    item["attributes"] = _attributes(tables, row["id"])
    return item


def _service_at_location(tables, row):
    sal = dict(row)
    sal["schedules"] = [
        _schedule(tables, r)
        for r in _children(tables.get("schedule", []), "service_at_location_id", row["id"])
    ]
    loc = next((r for r in tables.get("location", []) if r["id"] == row.get("location_id")), None)
    if loc is not None:
        loc = dict(loc)
        loc["addresses"] = [
            dict(r) for r in _children(tables.get("address", []), "location_id", loc["id"])
        ]
        sal["location"] = loc
    return sal


def _simple(tables, table, service_id):
    return [dict(r) for r in _children(tables.get(table, []), "service_id", service_id)]


def nest(tables: dict[str, list[dict]]) -> list[dict]:
    """Nested service objects rebuilt from the rows of the tables (the inverse of flatten)."""
    document = []
    for row in tables["service"]:
        sid = row["id"]
        service = dict(row)
        org = _organization(tables, row.get("organization_id"))
        if org is not None:
            service["organization"] = org
        service["phones"] = _phones(tables, "service_id", sid)
        service["schedules"] = [_schedule(tables, r) for r in _simple(tables, "schedule", sid)]
        for key, table in (
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("cost_options", "cost_option"),
            ("required_documents", "required_document"),
        ):
            service[key] = _simple(tables, table, sid)
        service["service_at_locations"] = [
            _service_at_location(tables, r) for r in _simple(tables, "service_at_location", sid)
        ]
        service["contacts"] = []
        for contact in _simple(tables, "contact", sid):
            contact["phones"] = _phones(tables, "contact_id", contact["id"])
            service["contacts"].append(contact)
        service["attributes"] = _attributes(tables, sid)
        document.append(service)
    return document


def import_zip(raw: bytes, *, by) -> int:
    """Import a CSV data package; returns the number of services imported."""
    from orienta.directory.loader import load

    tables, places = read_tables(raw)
    document = nest(tables)

    def place(path, object_id):
        return places.get(str(object_id)) or _path(path)

    return load(document, by=by, place=place)
