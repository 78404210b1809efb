"""The pace of long work as a person reads it, on a clock the test moves."""

from sellerdesk.core.pace import Pace, RowsRead, time_left


class Clock:
    def __init__(self) -> None:
        self.now = 100.0       # a monotonic clock starts anywhere

    def __call__(self) -> float:
        return self.now


def steady(pace: Pace, clock: Clock, *, seconds: float, rows_per_second: int,
           rows_in_all: int, every: float = 0.1) -> str:
    reading = None
    for _ in range(round(seconds / every)):
        clock.now += every
        rows = round((clock.now - 100.0) * rows_per_second)
        reading = pace.update(rows / rows_in_all, rows)
    assert reading is not None
    return reading.text()


def test_rows_their_pace_and_the_time_left_once_a_second_has_gone():
    clock = Clock()
    pace = Pace(clock)
    first = steady(pace, clock, seconds=0.5, rows_per_second=31_000, rows_in_all=120_000)
    assert first == "15,500 rows"           # too soon for a rate or an estimate
    text = steady(pace, clock, seconds=1.5, rows_per_second=31_000, rows_in_all=120_000)
    assert text == "62,000 of about 120,000 rows · 31,000 rows/s · about 2 s left"


def test_a_burst_moves_the_rate_only_part_of_the_way():
    clock = Clock()
    pace = Pace(clock)
    steady(pace, clock, seconds=3, rows_per_second=10_000, rows_in_all=1_000_000)
    clock.now += 0.1
    reading = pace.update(40_000 / 1_000_000, 40_000)    # 100,000 rows/s for a tenth
    assert 10_000 < reading.rows_per_second < 14_000


def test_work_that_counts_no_rows_gets_no_time_left():
    clock = Clock()
    pace = Pace(clock)
    for step in range(1, 6):
        clock.now += 1
        reading = pace.update(step / 10)
    assert (reading.rows, reading.seconds_left, reading.text()) == (None, None, "")


def test_a_message_that_counts_rows_is_still_its_text():
    message = RowsRead(48_200, "48,200 rows read")
    assert (message, message.rows) == ("48,200 rows read", 48_200)


def test_time_left_in_words():
    assert [time_left(s) for s in (0.2, 3.4, 42, 61, 3_600 * 2 + 300)] == [
        "1 s", "4 s", "45 s", "2 min", "2 h 05 min"]


def test_a_message_that_counts_rows_survives_a_copy_and_a_pickle():
    """As it would cross to another process, or be copied by a test's recorder."""
    import copy
    import pickle
    message = RowsRead(48_200, "48,200 rows read")
    for again in (copy.copy(message), pickle.loads(pickle.dumps(message))):
        assert (again, again.rows, type(again)) == ("48,200 rows read", 48_200, RowsRead)
