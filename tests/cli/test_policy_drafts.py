"""`sellerdesk policy draft save|apply|withdraw` and `policy drafts`, on SQLite and
PostgreSQL: an agent proposes, an owner (with the PIN) makes it current with the reason,
and a draft overtaken by a newer version is applied only with --anyway."""

from __future__ import annotations

import json

import pytest

from sellerdesk.cli import main
from sellerdesk.services import policies
from sellerdesk.services.database import open_database
from sellerdesk.services.protection import pins
from sellerdesk.services.shipped_policy import default_policy_text
from tests.helpers.staffing import PIN, hire, owner_at_work


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def desk(db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("SELLERDESK_PIN", raising=False)
    with open_database(db_url) as db:
        owner_at_work(db.engine, "Ana")
        hire(db.engine, "Ben", "agent")
        policies.ensure_policy(db.engine)
        pins.drop_elevation(db.engine)       # a command line starts without anyone's PIN
    draft = tmp_path / "draft.toml"
    draft.write_text(default_policy_text().replace("percent = 30", "percent = 60", 1),
                     encoding="utf-8")
    return db_url, draft


def test_an_agent_proposes_and_an_owner_applies_with_the_reason(capsys, desk, monkeypatch):
    url, draft = desk
    code, out, _ = run(capsys, "--db", url, "policy", "draft", "save", str(draft),
                       "--note", "damaged at 60 %", "--staff", "Ben")
    assert (code, out) == (0, "Saved “Courtesy-credit policy” as policy draft 1, based on "
                              "version 1; nothing changes until an owner applies it\n")
    code, out, _ = run(capsys, "--db", url, "policy", "drafts")
    assert code == 0
    assert out.splitlines()[0].endswith("Ben          on version 1    open")
    assert out.splitlines()[1] == "      damaged at 60 %"

    code, _, err = run(capsys, "--db", url, "policy", "draft", "apply", "1", "--why", "ok",
                       "--staff", "Ben")
    assert (code, err) == (1, "sellerdesk: Ben is not an owner here; only an owner makes a "
                              "draft the policy in force\n")
    monkeypatch.setenv("SELLERDESK_PIN", PIN)
    code, out, _ = run(capsys, "--db", url, "--json", "policy", "draft", "apply", "1",
                       "--why", "backtest: +0.1 % of sales", "--staff", "Ana")
    assert code == 0
    applied = json.loads(out)
    assert (applied["state"], applied["applied_as"], applied["applied_by"]) == (
        "applied", 2, "Ana")
    code, out, _ = run(capsys, "--db", url, "--json", "policy", "history")
    assert [(v["version"], v["saved_by"], v["why"]) for v in json.loads(out)] == [
        (2, "Ana", "backtest: +0.1 % of sales"), (1, "SellerDesk", None)]


def test_a_draft_overtaken_by_a_newer_version_needs_anyway(capsys, desk, monkeypatch):
    url, draft = desk
    assert run(capsys, "--db", url, "policy", "draft", "save", str(draft), "--note",
               "60 %", "--staff", "Ben")[0] == 0
    monkeypatch.setenv("SELLERDESK_PIN", PIN)
    newer = draft.with_name("newer.toml")
    newer.write_text(default_policy_text().replace("percent = 30", "percent = 35", 1),
                     encoding="utf-8")
    assert run(capsys, "--db", url, "policy", "import", str(newer), "--staff", "Ana")[0] == 0
    code, _, err = run(capsys, "--db", url, "policy", "draft", "apply", "1", "--why", "ok",
                       "--staff", "Ana")
    assert code == 1
    assert err.startswith("sellerdesk: Policy draft 1 was based on version 1, and version 2 "
                          "was made current since")
    assert err.endswith("To apply it all the same, confirm (--anyway).\n")
    code, out, _ = run(capsys, "--db", url, "policy", "draft", "apply", "1", "--why", "ok",
                       "--staff", "Ana", "--anyway")
    assert (code, out) == (0, "Policy draft 1 is in force as policy version 3: new "
                              "suggestions use it from now on\n")


def test_a_note_is_required_and_the_author_withdraws(capsys, desk):
    url, draft = desk
    code, _, err = run(capsys, "--db", url, "policy", "draft", "save", str(draft),
                       "--note", " ", "--staff", "Ben")
    assert (code, err) == (1, "sellerdesk: a draft needs a note: what it changes and why, "
                              "for whoever reviews it\n")
    assert run(capsys, "--db", url, "policy", "draft", "save", str(draft), "--note", "60 %",
               "--staff", "Ben")[0] == 0
    code, out, _ = run(capsys, "--db", url, "policy", "draft", "withdraw", "1", "--staff",
                       "Ben")
    assert (code, out) == (0, "Policy draft 1 withdrawn\n")
    code, out, _ = run(capsys, "--db", url, "policy", "drafts")
    assert out.splitlines()[0].endswith("withdrawn by Ben")
