import random
from copy import deepcopy

from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.buyers import buyer_reference
from sellerdesk.core.ledger import (
    CHAIN_FIELDS,
    GENESIS,
    canonical_json,
    entry_from_texts,
    entry_hash,
    verify_chain,
    verify_texts,
)


def chain(n: int) -> list[dict]:
    return rechained([
        {"credit_id": i, "created_at": f"2026-10-0{1 + i % 9}T10:00:00Z", "issue_id": i,
         "order_id": f"114-0000000-{i:07d}", "kind": "courtesy_credit", "amount": f"{i}.50",
         "currency": "USD", "reverses": None, "reason": "", "staff": "Ana", "approved_by": None,
         "policy_version": 1, "suggested_amount": f"{i}.50", "expires_on": None}
        for i in range(1, n + 1)])


def rechained(entries: list[dict]) -> list[dict]:
    """Each entry's prev_hash and entry_hash computed afresh, oldest first."""
    prev = GENESIS
    for entry in entries:
        entry["prev_hash"] = prev
        entry["entry_hash"] = prev = entry_hash(prev, entry)
    return entries


def test_canonical_json_is_stable_and_utf8():
    a = {"reason": "Größe", "amount": "1.00", "credit_id": 1}
    b = {"credit_id": 1, "amount": "1.00", "reason": "Größe"}
    assert canonical_json(a) == canonical_json(b)
    assert "Größe".encode() in canonical_json(a)


def test_an_untouched_chain_verifies():
    check = verify_chain(chain(50))
    assert check.ok
    assert check.summary() == "ledger intact: 50 entries, every hash matches"


def test_an_edit_is_named():
    entries = chain(10)
    entries[6]["amount"] = "99.00"
    check = verify_chain(entries)
    assert check.summary() == ("ledger altered at entry 7 (credit 7): its contents do not "
                               "match its entry_hash (it was edited)")


@given(st.data())
def test_every_single_tampering_is_caught(data):
    original = chain(12)
    entries = deepcopy(original)
    how = data.draw(st.sampled_from(["edit", "delete", "swap", "truncate_front"]))
    i = data.draw(st.integers(0, 10))
    if how == "edit":
        field = data.draw(st.sampled_from(["amount", "reason", "staff", "order_id", "currency"]))
        entries[i][field] = str(entries[i][field]) + "x"
    elif how == "delete":
        del entries[i]
    elif how == "swap":
        entries[i], entries[i + 1] = entries[i + 1], entries[i]
    else:
        entries = entries[i + 1:]
    assert not verify_chain(entries).ok


def as_cells(entries: list[dict]) -> list[list[str]]:
    """Entries as an export writes them: text cells, an empty cell for null."""
    return [["" if e[n] is None else str(e[n]) for n in CHAIN_FIELDS] for e in entries]


def test_text_cells_read_back_as_the_entry_that_was_hashed():
    entries = chain(12)
    entries[3].update(reverses=2, reason='given twice, "sorry"\n', approved_by="Bo",
                      expires_on="2027-01-31", amount="-2.50", suggested_amount=None)
    rechained(entries)
    cells = as_cells(entries)
    read = entry_from_texts(cells[3])
    assert list(read) == sorted(read)           # canonical order, as the hash encodes it
    assert canonical_json(read) == canonical_json(entries[3])
    check = verify_texts(cells)
    assert (check.ok, check.entries, check.head) == (True, 12, entries[-1]["entry_hash"])


@given(st.sampled_from(["07", "+7", "٧", "²", "7 ", "--7", "-", "7.0", "1e1", "0x7"]))
def test_a_number_written_another_way_is_an_edit_not_a_crash(written):
    cells = as_cells(chain(6))
    cells[2][CHAIN_FIELDS.index("issue_id")] = written       # was "3"
    check = verify_texts(cells)
    assert (check.first_bad, check.credit_id) == (3, 3)
    cells = as_cells(chain(6))
    cells[4][CHAIN_FIELDS.index("credit_id")] = written.replace("7", "5")
    assert verify_texts(cells).first_bad == 5


def test_a_row_missing_cells_is_reported_at_that_row():
    cells = as_cells(chain(5))
    cells[1] = cells[1][:15]                    # entry_hash gone
    cells[3] = cells[3][:4]
    assert verify_texts(cells).first_bad == 2
    assert verify_texts([*as_cells(chain(5))[:2], cells[3]]).first_bad == 3


def test_buyer_reference_is_keyed_and_normalised():
    key = random.Random(1).randbytes(32)
    ref = buyer_reference(key, "  Jane.Doe@Marketplace.Amazon.com ")
    assert ref == buyer_reference(key, "jane.doe@marketplace.amazon.com")
    assert ref != buyer_reference(random.Random(2).randbytes(32), "jane.doe@marketplace.amazon.com")
    assert "jane" not in ref


def test_durations_read_as_people_say_them():
    from datetime import datetime, timedelta

    from sellerdesk.core.durations import age, reply_clock, span
    assert [age(timedelta(minutes=m)) for m in (0, 59, 61, 60 * 25 + 7)] == [
        "0 min", "59 min", "1 h", "1 d 1 h"]
    assert span(timedelta(hours=5, minutes=3)) == "5 h 03 min"
    due = datetime(2026, 11, 17, 9, 0)
    assert reply_clock(due, datetime(2026, 11, 16, 9, 30)) == "23 h 30 min left"
    assert reply_clock(due, datetime(2026, 11, 18, 10, 0)) == "overdue 1 d 1 h"
    assert reply_clock(None, due) == ""
