"""Attendance by sex × age band × disability: parsed, checked, totalled."""

import pytest

from orienta.lib.indicators import AgeBands
from orienta.outreach.attendance import Attendance, BadAttendance, age_bands, grid


def row(sex="female", band="15-24", disability=False, count=1):
    return {"sex": sex, "age_band": band, "disability": disability, "count": count}


def test_default_age_bands_are_the_programmes():
    assert age_bands().codes() == ["0-14", "15-24", "25-35", "36-59", "60+"]


def test_age_bands_follow_the_setting(settings):
    settings.ORIENTA_AGE_BANDS = "0-17,18+"
    assert age_bands().codes() == ["0-17", "18+"]
    with pytest.raises(BadAttendance, match="not an age band"):
        Attendance.parse([row(band="15-24")])


def test_totals_by_sex_and_age_band_add_up():
    found = Attendance.parse(
        [
            row("female", "15-24", False, 12),
            row("female", "15-24", True, 2),
            row("male", "60+", False, 5),
            row("undisclosed", "0-14", False, 1),
        ]
    )
    assert found.total == 20
    assert found.by_sex() == {"female": 14, "male": 5, "undisclosed": 1}
    assert found.by_age_band() == {"15-24": 14, "60+": 5, "0-14": 1}
    assert sum(found.by_sex().values()) == sum(found.by_age_band().values()) == found.total
    assert found.with_disability() == 2


def test_a_row_given_twice_is_added_up_and_zero_rows_are_dropped():
    found = Attendance.parse([row(count=3), row(count="4"), row("male", count=0)])
    assert found.as_list() == [row(count=7)]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row(count=-1), "cannot be negative"),
        (row(count="deux"), "whole number"),
        (row(count=2.5), "whole number"),
        (row(count=True), "whole number"),
        (row(count=100_000), "cannot be right"),
        (row(sex="f"), "is not a sex"),
        (row(band="15-25"), "is not an age band"),
        (row(disability="maybe"), "true or false"),
        ("female", "must give a sex"),
    ],
)
def test_bad_counts_are_refused_with_a_clear_message(bad, message):
    with pytest.raises(BadAttendance, match=message):
        Attendance.parse([row(), bad])


def test_named_attendees_never_more_than_the_count():
    found = Attendance.parse([row(count=2)])
    found.check_named(2)
    with pytest.raises(BadAttendance, match="3 persons are named but only 2 are counted"):
        found.check_named(3)


def test_a_total_given_must_equal_the_sum():
    found = Attendance.parse([row(count=2), row("male", count=3)])
    found.check_totals(total=5)
    found.check_totals(total=None)
    with pytest.raises(BadAttendance, match="add up to 5, not to the total of 6"):
        found.check_totals(total=6)


def test_grid_lines_hold_every_band_and_total_per_sex():
    found = Attendance.parse([row(count=2), row(disability=True, count=1), row("other", "60+")])
    lines = grid(found, AgeBands.parse("0-14,15-24,25-35,36-59,60+"))
    assert [line["sex"] for line in lines] == ["female", "male", "other"]
    female = lines[0]
    assert female["total"] == 3
    assert female["cells"][1] == {"band": "15-24", "count": 2, "disabled": 1}
