"""Evidence on a team database, on the real PostgreSQL cluster: a file attached at one
desk is read at another whose own folder has never seen it, checked against its hash;
nobody on the team can change an attached file, only take a wrong one back in its minute;
a single desk's files move with `team migrate-from`, or nothing moves."""

import hashlib
import random
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from sellerdesk.core.issues import IssueType
from sellerdesk.services.database import open_database
from sellerdesk.services.dispute import export_dispute
from sellerdesk.services.evidence import (
    attach_evidence,
    evidence_on,
    remove_evidence,
    stored_file,
    viewable_copy,
)
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.protection.security_log import security_events
from sellerdesk.services.team.setup import TeamError, migrate_from, team_init
from sellerdesk.store.engine import reading
from tests.helpers.reports import row, write
from tests.helpers.teams import ORDER, as_login, make_team

pytestmark = pytest.mark.postgres


def another_computer(monkeypatch, tmp_path, name: str) -> None:
    """A data folder of its own: the evidence this desk has seen is only what it fetched."""
    monkeypatch.setenv("SELLERDESK_HOME", str(tmp_path / name))


def video(tmp_path, name: str, size: int) -> tuple:
    data = random.Random(size).randbytes(size)
    path = tmp_path / name
    path.write_bytes(data)
    return path, data


def packet_files(engine, target) -> dict[str, bytes]:
    export_dispute(engine, ORDER, target)
    with zipfile.ZipFile(target) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith("evidence/")}


def test_a_file_attached_at_one_desk_is_read_at_another(postgres, tmp_path, monkeypatch):
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent"}, ben={"role": "agent"})
    path, data = video(tmp_path, "unboxing.mp4", 2_500_000)       # three pieces
    another_computer(monkeypatch, tmp_path, "ana")
    with open_database(as_login(url, "ana")) as ana:
        issue = add_issue(ana.engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        record = attach_evidence(ana.engine, issue_id=issue.issue_id, path=path)
        with reading(ana.engine) as conn:
            pieces = conn.execute(sa.text("SELECT count(*) FROM evidence_chunk")).scalar()
        assert pieces == 3
    another_computer(monkeypatch, tmp_path, "ben")
    with open_database(as_login(url, "ben")) as ben:
        cached = stored_file(ben.engine, record.sha256)
        assert not cached.exists()
        assert packet_files(ben.engine, tmp_path / "ben.zip") == {
            "evidence/01-unboxing.mp4": data}
        assert cached.read_bytes() == data                 # fetched once, kept
        cached.write_bytes(b"changed on ben's disk")
        opened = viewable_copy(ben.engine, record)         # fetched again, not trusted
        assert (opened.name, opened.read_bytes()) == ("unboxing.mp4", data)
        with ben.engine.connect() as conn:
            for change in ("UPDATE evidence_chunk SET data = 'x'", "DELETE FROM evidence_chunk"):
                with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                    conn.exec_driver_sql(change)
                conn.rollback()
    with open_database(url) as owner:                      # the export is on the log, as ben
        [exported] = [e for e in security_events(owner.engine) if e.action == "export"]
        assert exported.actor == "ben"


def test_a_single_desks_files_move_with_it_or_nothing_moves(postgres, sqlite_url, tmp_path,
                                                           monkeypatch):
    photo, photo_data = video(tmp_path, "box.jpg", 40_000)
    page, page_data = video(tmp_path, "tracking.pdf", 1_200_000)
    with open_database(sqlite_url) as single:
        import_orders(single.engine, write(tmp_path / "o.txt", [row(ORDER, price="80.00")]))
        first = add_issue(single.engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                               staff="Olga")
        second = add_issue(single.engine, order_id=ORDER, issue_type=IssueType.OTHER,
                                staff="Olga")
        for issue, path in ((first, photo), (first, page), (second, photo)):
            attach_evidence(single.engine, issue_id=issue.issue_id, path=path, staff="Olga")
        lost = stored_file(single.engine, hashlib.sha256(page_data).hexdigest())
    url = postgres.new_database()
    db, _ = team_init(url)
    with db:
        lost.rename(lost.with_name("elsewhere"))
        with pytest.raises(TeamError, match=r"evidence file tracking\.pdf is missing: .*"
                                            r"\(on issue 1\); nothing was moved"):
            migrate_from(db.engine, sqlite_url)
        with reading(db.engine) as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM issue")).scalar() == 0
        lost.with_name("elsewhere").rename(lost)
        moved = migrate_from(db.engine, sqlite_url)
        assert moved.evidence_files == 2
        assert "2 evidence files, each matching its SHA-256" in moved.summary()
    another_computer(monkeypatch, tmp_path, "a colleague")
    with open_database(url) as team:
        assert packet_files(team.engine, tmp_path / "team.zip") == {
            "evidence/01-box.jpg": photo_data, "evidence/02-tracking.pdf": page_data,
            "evidence/03-box.jpg": photo_data}


def test_a_team_from_before_shared_evidence_gets_it_when_the_owner_upgrades(
        postgres, tmp_path):
    """Every team made before this release is at schema 0013: an agent cannot bring it
    up to date and is told who can; `team init` again by the owner does, grants too."""
    from alembic import command
    from alembic.config import Config

    from sellerdesk.store.engine import NotAllowed, database_url, make_engine, writing
    from sellerdesk.store.migrate import MIGRATIONS_DIR
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent"})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(database_url(url))
    with writing(engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0013")
    engine.dispose()
    with pytest.raises(NotAllowed, match="the team's owner does"):
        open_database(as_login(url, "ana"))
    db, _ = team_init(url)
    db.close()
    photo, data = video(tmp_path, "box.jpg", 5_000)
    with open_database(as_login(url, "ana")) as ana:
        issue = add_issue(ana.engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        attach_evidence(ana.engine, issue_id=issue.issue_id, path=photo)
        with reading(ana.engine) as conn:
            stored = conn.execute(sa.text("SELECT data FROM evidence_chunk")).scalar()
    assert bytes(stored) == data


def test_an_agent_takes_back_a_wrong_file_in_its_minute_and_changes_nothing_else(
        postgres, tmp_path):
    """The agent's grant on evidence is the removal's two columns, nothing more."""
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent"}, ben={"role": "agent"})
    path, _ = video(tmp_path, "cat.jpg", 3_000)
    attached = datetime(2026, 10, 3, 9, 30, tzinfo=UTC).timestamp()
    with open_database(as_login(url, "ana")) as ana, open_database(as_login(url, "ben")) as ben:
        with time_machine.travel(attached, tick=False):
            issue = add_issue(ana.engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
            record = attach_evidence(ana.engine, issue_id=issue.issue_id, path=path)
        with time_machine.travel(attached + timedelta(seconds=30).total_seconds(), tick=False):
            remove_evidence(ben.engine, evidence_id=record.evidence_id)
        assert evidence_on(ana.engine, [issue.issue_id]) == []
        with ben.engine.connect() as conn:
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                conn.exec_driver_sql("UPDATE evidence SET name = 'dog.jpg'")
            conn.rollback()
        with reading(ana.engine) as conn:
            removed_by = conn.execute(sa.text("SELECT removed_by FROM evidence")).scalar()
    assert removed_by == "ben"
