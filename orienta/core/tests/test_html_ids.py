"""The matrices' check that no page repeats an `id` (orienta/testing/html.py) finds one."""

from django.http import HttpResponse, HttpResponseRedirect

from orienta.testing.html import duplicate_ids, repeated_ids

PAGE = '<form id="f"><label for="q">Nom</label><input id="q"><input id="q"></form><p id="f">'


def test_a_repeated_id_is_found_once_and_others_are_not():
    assert duplicate_ids(PAGE) == ["f", "q"]
    assert duplicate_ids('<p id="a"></p><p id="b"></p><p>id="a"</p>') == []


def test_only_whole_pages_are_looked_at():
    assert repeated_ids(HttpResponse(PAGE)) == ["f", "q"]
    assert repeated_ids(HttpResponse(PAGE, status=422)) == ["f", "q"]
    assert repeated_ids(HttpResponse(PAGE, status=403)) == []
    assert repeated_ids(HttpResponse(PAGE, content_type="text/csv")) == []
    assert repeated_ids(HttpResponseRedirect("/login/")) == []


def test_ids_written_in_any_form_are_compared_as_the_browser_reads_them():
    assert duplicate_ids("<p id=a></p><p ID='a'></p>") == ["a"]
    assert duplicate_ids('<p id="a&amp;b"></p><p id="a&b"></p>') == ["a&b"]
    assert duplicate_ids('<p id=""></p><p id=></p>') == [""]
    # Attributes that end in "id" are other attributes; text that looks like an id is text.
    assert duplicate_ids('<p data-id="a" id="a"></p><p aria-id="a"></p>') == []
    assert duplicate_ids('<p id="a"></p><!-- <p id="a"> --><pre>id="a"</pre>') == []
