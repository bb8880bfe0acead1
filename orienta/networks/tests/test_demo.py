"""The demo's networks: in each country a GTPS with members, a meeting and actions, a library,
a training of CSO staff, and a diagnostic with imported data and its tables."""

from orienta.core.models import Country
from orienta.networks.diagnostics import study_tables
from orienta.networks.models import (
    Action,
    Document,
    Group,
    Meeting,
    Study,
    StudyStatus,
    SupportParticipant,
)


def test_every_country_has_its_networks_in_its_language(demo_data):
    for country in Country.objects.filter(sites__isnull=False).distinct():
        group = Group.objects.get(country=country)
        assert group.members.count() >= 3
        assert Meeting.objects.filter(group=group, status="held").exists()
        assert set(Action.objects.filter(group=group).values_list("status", flat=True)) == {
            "done",
            "in_progress",
            "planned",
        }
        documents = Document.objects.filter(country=country)
        language = "pt" if country.language.startswith("pt") else "fr"
        assert documents.count() == 3
        assert set(documents.values_list("language", flat=True)) == {language}
        assert SupportParticipant.objects.filter(support__country=country).exists()
        study = Study.objects.get(country=country)
        assert study.status == StudyStatus.PUBLISHED
        assert study.responses.count() == 120
        assert study_tables(study)[0].total.n == 120
    assert Group.objects.get(country__code="MZ").name.startswith("Grupo de Trabalho")
    assert Group.objects.get(country__code="TD").name.startswith("Groupe de travail")
