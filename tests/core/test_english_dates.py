"""English month names from a table, not from the process locale."""

from datetime import date

import pytest

from sellerdesk.core.english_dates import day_mon_year, long_date, parse_day_mon_year


def test_every_month_reads_back_what_is_written():
    for month in range(1, 13):
        day = date(2026, month, 5)
        assert parse_day_mon_year(day_mon_year(day)) == day
        assert parse_day_mon_year(day_mon_year(day).upper()) == day
    assert day_mon_year(date(2026, 10, 5)) == "05-Oct-2026"
    assert long_date(date(2026, 12, 31)) == "31 December 2026"


@pytest.mark.parametrize("text", ["05-Okt-2026", "31-Feb-2026", "5-Oct-26", "05 Oct 2026", ""])
def test_what_is_not_an_english_date_is_refused(text):
    with pytest.raises(ValueError, match="is not a date written DD-Mon-YYYY"):
        parse_day_mon_year(text)
