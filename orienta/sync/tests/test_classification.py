"""Every model of every installed app is declared: synced (with its partition), central-only or
node-local."""

from django.apps import apps

from orienta.sync import classification


def test_every_model_is_classified():
    assert classification.unclassified() == []


def test_an_undeclared_model_is_named(monkeypatch):
    declared = classification._declared()
    declared.pop("frontdesk.Visit")
    monkeypatch.setattr(classification, "_declared", lambda: declared)
    assert classification.unclassified() == ["frontdesk.Visit: not declared in frontdesk/sync.py"]


def test_site_models_hold_their_site_and_synced_ids_are_made_where_created():
    for label, rule in classification.rules().items():
        model = apps.get_model(label)
        if rule.kind == "site":
            first = rule.site_path.split(".")[0]
            assert first in {n for f in model._meta.concrete_fields for n in (f.name, f.attname)}, (
                label
            )
        if rule.synced:
            pk = model._meta.pk
            assert pk.get_internal_type() != "BigAutoField" or rule.kind == "reference", label


def test_parents_come_before_children():
    order = [m._meta.label for m in classification.synced_models()]
    assert order.index("core.Site") < order.index("people.Person") < order.index("frontdesk.Visit")
    assert order.index("cases.Case") < order.index("cases.FollowUp")
