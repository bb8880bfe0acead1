"""Notes written by hand in docs/benchmarks.md survive the next run of the bench."""

from orienta.bench.report import keep_notes

NOTE = "<!-- kept -->\n### Before and after\n\n| a | b |\n<!-- /kept -->\n"


def test_a_note_stays_at_the_end_of_its_section():
    old = "# B\n\n## Load\n\nold figures\n\n" + NOTE + "\n## Dupes\n\nold\n"
    new = "# B\n\n## Load\n\nnew figures\n\n## Dupes\n\nnew\n"
    kept = keep_notes(old, new)
    assert kept == "# B\n\n## Load\n\nnew figures\n\n" + NOTE + "\n## Dupes\n\nnew\n"
    # Run after run, the same.
    assert keep_notes(kept, new) == kept


def test_a_note_whose_section_is_gone_goes_at_the_end_and_nothing_else_is_added():
    old = "## Gone\n\n" + NOTE
    assert keep_notes(old, "## Load\n\nfigures\n") == "## Load\n\nfigures\n\n" + NOTE
    assert keep_notes("## Load\n\nno note\n", "## Load\n\nnew\n") == "## Load\n\nnew\n"


def test_a_note_in_the_last_section_stays_there():
    old = "## Load\n\nold\n\n## Sync\n\nold\n\n" + NOTE
    new = "## Load\n\nnew\n\n## Sync\n\nnew\n"
    assert keep_notes(old, new) == new + "\n" + NOTE
