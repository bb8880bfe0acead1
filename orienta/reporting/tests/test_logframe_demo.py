"""The demo's logframe: the programme's objectives and results as its text states them, the
computed indicators linked to the registry, and no figure the text does not give."""

from orienta.lib import indicators
from orienta.reporting.demo import COMPUTED
from orienta.reporting.models import HandValue, LogframeIndicator, Objective, Target


def test_every_computed_indicator_of_the_demo_is_registered():
    registered = {i.code for i in indicators.all_indicators()}
    assert {code for _result, _lf, code in COMPUTED} <= registered


def test_the_demo_logframe_follows_the_programme_text_and_invents_no_figure(demo_data, client):
    assert list(Objective.objects.values_list("code", flat=True)) == ["OG", "OS1", "OS2", "OS3"]
    welcomed = LogframeIndicator.objects.get(indicator_code="PERSONS_WELCOMED")
    assert welcomed.result.code == "R1.2" and welcomed.result.objective.code == "OS1"
    assert LogframeIndicator.objects.filter(indicator_code="").count() == 3
    assert not Target.objects.exists() and not HandValue.objects.exists()
