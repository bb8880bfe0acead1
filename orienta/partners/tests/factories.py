"""A small OCA tool with hand-countable areas, and helpers to give every CSO record a row."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.partners import services

# Three areas of 2, 3 and 1 statements; three stages. Hand-computed results: test_scoring.py.
SMALL = {
    "stages": [
        {"code": "nascent", "label": {"fr": "Naissante", "en": "Nascent"}, "from": 1},
        {"code": "emerging", "label": {"fr": "Émergente", "en": "Emerging"}, "from": 2},
        {"code": "mature", "label": {"fr": "Mature", "en": "Mature"}, "from": 3},
    ],
    "areas": [
        {
            "code": "gov",
            "label": {"fr": "Gouvernance", "en": "Governance"},
            "statements": [{"code": "g1", "label": "Statuts"}, {"code": "g2", "label": "Conseil"}],
        },
        {
            "code": "fin",
            "label": {"fr": "Finances", "en": "Finance"},
            "statements": [
                {"code": "f1", "label": "Comptes"},
                {"code": "f2", "label": "Contrôle"},
                {"code": "f3", "label": "Audit"},
            ],
        },
        {
            "code": "hr",
            "label": {"fr": "Ressources humaines", "en": "Human resources"},
            "statements": [{"code": "h1", "label": "Contrats"}],
        },
    ],
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def small_tool(by):
    """The tool revised into the small one (a new version of the seeded tool)."""
    return services.tool_revise(tool=services.tool_seed(), name="OCA test", definition=SMALL, by=by)


def scores_of(tool, value=2, **overrides):
    """Every statement of the tool at `value`, except those given."""
    found = {s.code: {"score": value} for _a, s in tool.parsed().statements()}
    for code, score in overrides.items():
        found[code] = score if isinstance(score, dict) else {"score": score}
    return found


def pdf_upload(name="statuts.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_records(organisation, by):
    """An assessment, a plan action, a grant with a tranche and a report, an application, a
    contact and a document of the CSO."""
    tool = services.tool_seed()
    assessment = services.assessment_record(
        organisation=organisation, tool=tool, scores=scores_of(tool), by=by
    )
    action = services.action_add(
        organisation=organisation,
        area="finance",
        description="Former la trésorière",
        support="training",
        responsible="Présidente",
        due_on=date(2027, 3, 1),
        by=by,
    )
    grant = services.grant_create(
        organisation=organisation,
        reference="SG-1",
        purpose="Accueil au BIOSP",
        amount=Decimal("1000000"),
        currency=organisation.country.currency,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        by=by,
    )
    tranche = services.tranche_add(
        grant=grant, amount=Decimal("600000"), planned_on=date(2026, 1, 15), by=by
    )
    report = services.report_add(grant=grant, kind="narrative", due_on=date(2026, 7, 1), by=by)
    application = services.application_create(
        organisation=organisation,
        data=services.ApplicationData(
            donor="Union européenne", amount_requested=Decimal("500000"), currency="EUR"
        ),
        by=by,
    )
    contact = services.contact_add(organisation=organisation, name="Achta Mahamat", by=by)
    document = services.document_add(
        organisation=organisation, title="Statuts", kind="statutes", upload=pdf_upload(), by=by
    )
    return {
        "cso": organisation,
        "assessment": assessment,
        "action": action,
        "grant": grant,
        "tranche": tranche,
        "report": report,
        "application": application,
        "contact": contact,
        "document": document,
        "tool": tool,
    }
