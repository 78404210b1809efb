import random
from copy import deepcopy

from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.buyers import buyer_reference
from sellerdesk.core.ledger import GENESIS, canonical_json, entry_hash, verify_chain


def chain(n: int) -> list[dict]:
    entries, prev = [], GENESIS
    for i in range(1, n + 1):
        entry = {"credit_id": i, "created_at": f"2026-10-0{1 + i % 9}T10:00:00Z", "issue_id": i,
                 "order_id": f"114-0000000-{i:07d}", "kind": "courtesy_credit",
                 "amount": f"{i}.50", "currency": "USD", "reverses": None, "reason": "",
                 "staff": "Ana", "approved_by": None, "policy_version": 1,
                 "suggested_amount": f"{i}.50", "expires_on": None}
        entry["prev_hash"] = prev
        entry["entry_hash"] = prev = entry_hash(prev, entry)
        entries.append(entry)
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


def test_buyer_reference_is_keyed_and_normalised():
    key = random.Random(1).randbytes(32)
    ref = buyer_reference(key, "  Jane.Doe@Marketplace.Amazon.com ")
    assert ref == buyer_reference(key, "jane.doe@marketplace.amazon.com")
    assert ref != buyer_reference(random.Random(2).randbytes(32), "jane.doe@marketplace.amazon.com")
    assert "jane" not in ref


def test_durations_read_as_people_say_them():
    from datetime import datetime, timedelta

    from sellerdesk.core.desk import age, reply_clock, span
    assert [age(timedelta(minutes=m)) for m in (0, 59, 61, 60 * 25 + 7)] == [
        "0 min", "59 min", "1 h", "1 d 1 h"]
    assert span(timedelta(hours=5, minutes=3)) == "5 h 03 min"
    due = datetime(2026, 11, 17, 9, 0)
    assert reply_clock(due, datetime(2026, 11, 16, 9, 30)) == "23 h 30 min left"
    assert reply_clock(due, datetime(2026, 11, 18, 10, 0)) == "overdue 1 d 1 h"
    assert reply_clock(None, due) == ""
