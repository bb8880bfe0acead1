"""Networks records for tests: a country's GTPS (group, members, meeting, action), library
document, support to CSOs and diagnostic with imported data, made by its coordinator."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.core.models import Organisation
from orienta.networks.files import document_check
from orienta.networks.services import (
    ActionInput,
    DocumentInput,
    StudyInput,
    SupportInput,
    action_create,
    document_add,
    group_create,
    meeting_plan,
    meeting_record,
    member_add,
    study_create,
    study_import,
    study_publish,
    support_participant_add,
    support_record,
)

TODAY = datetime.date(2026, 3, 11)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="guide.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_university(country, name="Université de test"):
    return Organisation.objects.create(
        name=f"{name} {country.code}", kind="public", country=country
    )


def make_group(by, country, cso, *, name=None):
    group = group_create(country=country, area=None, name=name or f"GTPS {country.code}", by=by)
    member = member_add(group=group, organisation=cso, name="", sector="cso", by=by)
    contact = member_add(
        group=group, organisation=None, name="Abakar Saleh", sector="private", by=by
    )
    return group, member, contact


def make_meeting(by, group, members, *, held=True):
    meeting = meeting_plan(
        group=group, on=TODAY - datetime.timedelta(days=3), agenda="Plan d'action", by=by
    )
    if held:
        meeting = meeting_record(
            meeting=meeting,
            held_on=meeting.on,
            attendees=members,
            minutes="Tour de table des membres.",
            decisions="Plaidoyer pour l'état civil",
            by=by,
        )
    return meeting


def make_action(by, group, *, lead=None, meeting=None, title="Cartographier les services"):
    data = ActionInput(title, TODAY + datetime.timedelta(days=30), lead, "SNPS", meeting)
    return action_create(group=group, data=data, by=by)


def make_document(by, country, *, title="Guide de gouvernance", language="fr"):
    return document_add(
        country=country,
        data=DocumentInput(title, "guide", "governance", language, "Pour les bureaux"),
        file=document_check(pdf()),
        by=by,
    )


def make_support(by, country, csos, *, topic="Gestion financière"):
    support = support_record(
        country=country,
        data=SupportInput("training", topic, TODAY - datetime.timedelta(days=2), "finance"),
        organisations=csos,
        by=by,
    )
    support_participant_add(
        support=support, name="Achta Brahim", sex="female", organisation=csos[0], by=by
    )
    return support


def csv_data(area_codes, *, lines=12, start=TODAY - datetime.timedelta(days=20)):
    rows = ["area,sex,age,date,household_size"]
    for n in range(lines):
        area = area_codes[n % len(area_codes)]
        sex = "female" if n % 3 else "male"
        rows.append(f"{area},{sex},{18 + n * 3},{start.isoformat()},{n % 5 + 1}")
    return ("\n".join(rows) + "\n").encode()


def make_study(by, country, area, *, university=None, published=True, data=None):
    university = university or make_university(country)
    study = study_create(
        country=country,
        data=StudyInput(
            f"Diagnostic {country.code}",
            TODAY - datetime.timedelta(days=60),
            TODAY - datetime.timedelta(days=1),
            area,
            "Revenus et emploi",
        ),
        partners=[university],
        by=by,
    )
    if data is not False:
        study_import(study=study, raw=data or csv_data([area.code]), name="data.csv", by=by)
        study.refresh_from_db()
        if published:
            study = study_publish(study=study, summary="Constats", report=pdf("r.pdf"), by=by)
    return study
