"""Policy as a reviewed change (#26), on SQLite and PostgreSQL: anyone at the desk saves a
draft with a note, unapplied; only an owner makes it current, and the version records who
and why; a draft based on an older version than the one in force is refused unless
confirmed; every step is in the security log."""

from datetime import datetime

import pytest

from sellerdesk.core.errors import KnownError
from sellerdesk.core.policy import PolicyError
from sellerdesk.services import policies, policy_drafts
from sellerdesk.services.clock import pinned
from sellerdesk.services.protection import pins
from sellerdesk.services.protection.pins import PinNeeded
from sellerdesk.services.protection.security_log import security_events
from tests.helpers.staffing import hire, owner_at_work


@pytest.fixture
def engine(database):
    owner_at_work(database.engine, "Ana")
    hire(database.engine, "Ben", "agent")
    hire(database.engine, "Cleo", "supervisor")
    policies.ensure_policy(database.engine)
    return database.engine


def policy_events(engine) -> set[tuple[str, str, str]]:
    return {(e.actor, e.action, e.detail) for e in security_events(engine)
            if e.action.startswith("policy")}


def edited(percent: str) -> str:
    return policies.default_policy_text().replace("percent = 30", f"percent = {percent}", 1)


def test_an_agent_saves_a_draft_that_changes_nothing_until_applied(engine):
    with pinned(datetime(2026, 3, 1, 12)):
        draft = policy_drafts.save_draft(engine, edited("45"), note="Damaged books cost us "
                                         "reviews; try 45 %", by="Ben")
    assert (draft.id, draft.created_by, draft.based_on, draft.state, draft.note) == (
        1, "Ben", 1, "open", "Damaged books cost us reviews; try 45 %")
    assert draft.created_at == datetime(2026, 3, 1, 12)
    assert [v.version for v in policies.policy_versions(engine)] == [1]
    assert "percent = 30" in policies.ensure_active_policy(engine)[1].text
    assert [(d.id, d.state_text) for d in policy_drafts.drafts(engine)] == [(1, "open")]
    assert [line for line in policy_drafts.draft_diff(engine, 1).splitlines()
            if line[:1] in "+-" and line[1:2] not in "+-"] == [
        "-percent = 30", "+percent = 45"]
    assert policy_events(engine) == {
        ("Ben", "policy_draft_saved", "policy draft 1 (Courtesy-credit policy), based on "
                                      "version 1: Damaged books cost us reviews; try 45 %")}


def test_a_draft_must_read_and_carry_a_note(engine):
    with pytest.raises(PolicyError, match=r"^mine\.toml, line 1"):
        policy_drafts.save_draft(engine, "[policy\n", note="typo", by="Ben",
                                 source="mine.toml")
    with pytest.raises(KnownError, match="a draft needs a note"):
        policy_drafts.save_draft(engine, edited("45"), note="  ", by="Ben")
    with pytest.raises(KnownError, match=r"the draft is the policy in force already "
                                         r"\(version 1\)"):
        policy_drafts.save_draft(engine, policies.default_policy_text(), note="same",
                                 by="Ben")
    assert policy_drafts.drafts(engine) == []


def test_only_an_owner_makes_a_draft_current_and_the_version_says_who_and_why(engine):
    draft = policy_drafts.save_draft(engine, edited("45"), note="try 45 %", by="Ben")
    for who in ("Ben", "Cleo"):
        with pytest.raises(KnownError, match=f"{who} is not an owner here; only an owner "
                                             "makes a draft the policy in force"):
            policy_drafts.apply_draft(engine, draft.id, by=who, why="agreed")
    with pytest.raises(KnownError, match="say why the draft is made current"):
        policy_drafts.apply_draft(engine, draft.id, by="Ana", why="")
    with pinned(datetime(2026, 3, 2, 9, 30)):
        version, _ = policy_drafts.apply_draft(engine, draft.id, by="Ana",
                                               why="the backtest cost 0.2 % of sales")
    assert version == 2
    assert "percent = 45" in policies.ensure_active_policy(engine)[1].text
    newest = policies.policy_versions(engine)[0]
    assert (newest.version, newest.created_by, newest.created_at, newest.why, newest.note) == (
        2, "Ana", datetime(2026, 3, 2, 9, 30), "the backtest cost 0.2 % of sales",
        "why: the backtest cost 0.2 % of sales")
    assert policies.policy_versions(engine)[1].why is None      # saved before: nobody asked
    applied = policy_drafts.policy_draft(engine, draft.id)
    assert (applied.state, applied.state_text, applied.applied_at) == (
        "applied", "applied as version 2 by Ana", datetime(2026, 3, 2, 9, 30))
    assert ("Ana", "policy_draft_applied", "policy version 2 (Courtesy-credit policy) from "
            "draft 1: the backtest cost 0.2 % of sales") in policy_events(engine)
    with pytest.raises(KnownError, match="policy draft 1 was applied as version 2 by Ana "
                                         "already"):
        policy_drafts.apply_draft(engine, draft.id, by="Ana", why="again")
    with pytest.raises(KnownError, match="policy draft 1 was applied"):
        policy_drafts.withdraw_draft(engine, draft.id, by="Ben")


def test_a_draft_based_on_an_older_version_is_applied_only_when_confirmed(engine):
    draft = policy_drafts.save_draft(engine, edited("45"), note="try 45 %", by="Ben")
    policies.save_policy(engine, edited("35"), by="Ana", source="policy")     # version 2
    with pytest.raises(KnownError) as refusal:
        policy_drafts.apply_draft(engine, draft.id, by="Ana", why="agreed")
    assert str(refusal.value) == (
        "Policy draft 1 was based on version 1, and version 2 was made current since: "
        "applying it would undo what changed there unless the draft has it too. Compare "
        "it with the policy in force first. To apply it all the same, confirm (--anyway).")
    assert [v.version for v in policies.policy_versions(engine)] == [2, 1]
    assert policy_drafts.policy_draft(engine, draft.id).state == "open"
    assert policy_drafts.apply_draft(engine, draft.id, by="Ana", why="agreed",
                                     anyway=True)[0] == 3
    assert ("Ana", "policy_draft_applied", "policy version 3 (Courtesy-credit policy) from "
            "draft 1, based on version 1: agreed") in policy_events(engine)


def test_an_owner_gives_the_pin_before_applying(engine):
    draft = policy_drafts.save_draft(engine, edited("45"), note="try 45 %", by="Ben")
    pins.drop_elevation(engine)
    with pytest.raises(PinNeeded, match="needs Ana's PIN"):
        policy_drafts.apply_draft(engine, draft.id, by="Ana", why="agreed")
    assert policy_drafts.policy_draft(engine, draft.id).state == "open"


def test_the_author_or_a_supervisor_withdraws_a_draft(engine):
    first = policy_drafts.save_draft(engine, edited("45"), note="try 45 %", by="Ben")
    second = policy_drafts.save_draft(engine, edited("50"), note="or 50 %", by="Cleo")
    with pytest.raises(KnownError, match="Ben did not write policy draft 2; its author "
                                         r"\(Cleo\), a supervisor or an owner withdraws it"):
        policy_drafts.withdraw_draft(engine, second.id, by="Ben")
    assert policy_drafts.withdraw_draft(engine, first.id, by="Ben").state_text == (
        "withdrawn by Ben")
    assert policy_drafts.withdraw_draft(engine, second.id, by="Ana").state == "withdrawn"
    with pytest.raises(KnownError, match="policy draft 1 was withdrawn by Ben already"):
        policy_drafts.apply_draft(engine, first.id, by="Ana", why="after all")
    with pytest.raises(KnownError, match="there is no policy draft 9"):
        policy_drafts.withdraw_draft(engine, 9, by="Ana")
    assert {event for event in policy_events(engine) if event[1] == "policy_draft_withdrawn"} == {
        ("Ben", "policy_draft_withdrawn", "policy draft 1 (Courtesy-credit policy)"),
        ("Ana", "policy_draft_withdrawn", "policy draft 2 (Courtesy-credit policy)")}
