"""A field form's export on a small phone: upload Kobo's CSV of visits, map its fields, read
the dry run with its look-alike, decide, import, and find the import in the log."""

import re

import pytest
from playwright.sync_api import expect

from orienta.frontdesk.models import Visit
from orienta.imports.tests.conftest import kobo_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_upload_map_dry_run_decide_and_import(
    page, live_server, users, persons, sign_in, browser_log, shot, tmp_path
):
    origin = live_server.url
    agent = users["agent_td"]
    export = tmp_path / "Visites_-_all_versions_-_False_-_2026-03-06-10-00-00.csv"
    export.write_bytes(kobo_csv(fix_line_7=True))
    sign_in(agent)

    # 1. Upload the export from the menu's page: what it creates, the file.
    page.goto(f"{origin}/imports/")
    page.select_option("#id_kind", "visits")
    page.set_input_files("#id_file", str(export))
    shot("01-upload")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/map/$"))

    # 2. The fields are matched by their XLSForm names; the agent checks them.
    expect(page.locator("#id_f\\:occurred_at")).to_have_value("visite/date_visite")
    expect(page.locator("#id_f\\:themes")).to_have_value("visite/themes")
    shot("02-map")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/check/$"))

    # 3. The dry run: seven submissions, Achta Mahamat resembles a registered person.
    expect(page.locator("#preview tbody tr")).to_have_count(7)
    alike = page.locator("fieldset.lookalike")
    expect(alike).to_contain_text("Achta Mahamat")
    expect(alike).to_contain_text(persons["person_td"].code)
    assert Visit.objects.count() == 0
    shot("03-dry-run")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot("04-dry-run-laptop")
    page.set_viewport_size({"width": 360, "height": 640})

    # 4. Importing without deciding is refused by the browser, then by the server.
    alike.locator("input[type=radio]").first.check()
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/[0-9a-f-]+/$"))
    expect(page.locator("ul.messages")).to_contain_text("7")
    assert Visit.objects.count() == 7
    assert persons["person_td"].visits.count() == 1
    shot("05-imported")

    # 5. The log lists it; in Portuguese too.
    agent.language = "pt"
    agent.save()
    page.goto(f"{origin}/imports/")
    expect(page.locator("table.rows")).to_contain_text("Visites_-_all_versions")
    expect(page.locator("h1")).to_have_text("Importações de formulários de campo")
    shot("06-log-pt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    browser_log.assert_clean(origin)
