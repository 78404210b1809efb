"""Whatever path a person hands SellerDesk where a file belongs (a report, a policy, a
performance report, a ledger to verify) is refused in one sentence naming it unless it is
an ordinary file: checked before anything opens it, so a named pipe never blocks."""

import os
import threading
from pathlib import Path

import pytest

from sellerdesk.core.errors import InputError
from sellerdesk.core.policy import PolicyError, parse_policy
from sellerdesk.services import policies
from sellerdesk.services.imports import kinds
from sellerdesk.services.imports.performance import read_performance
from sellerdesk.services.imports.report_reader import open_report
from sellerdesk.services.ledger_files import verify_file


def folder(path: Path) -> str:
    path.mkdir()
    return "this is a folder, not a file SellerDesk can read"


def named_pipe(path: Path) -> str:
    os.mkfifo(path)
    return "this is a named pipe (FIFO), not a file SellerDesk can read"


def broken_link(path: Path) -> str:
    path.symlink_to(path.with_name("gone"))
    return "is a link to a file that is not there"


def device(path: Path) -> str:
    path.symlink_to(os.devnull)
    return "this is a device, not a file SellerDesk can read"


def unreadable(path: Path) -> str:
    """What chmod 000 does for anyone but root (and tests run as root): a file inside a
    folder that is in fact a file, so the path cannot be followed."""
    path.parent.joinpath("not a folder").write_text("x")
    return "cannot be read (Not a directory)"


NOT_FILES = [folder, named_pipe, broken_link, device, unreadable]


def returns_promptly(call):
    """Run `call` on a thread and give back what it raised; a reader that opened a named
    pipe would wait for a writer for ever, so the test fails instead of hanging."""
    outcome: list[BaseException | None] = []

    def run():
        try:
            call()
            outcome.append(None)
        except BaseException as exc:    # handed to the test to judge
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert outcome, "the reader is still waiting on the path (it opened a named pipe?)"
    return outcome[0]


def not_a_file(tmp_path: Path, make, suffix: str) -> tuple[Path, str]:
    path = tmp_path / f"given{suffix}"
    reason = make(path)
    if make is unreadable:
        path = tmp_path / "not a folder" / f"given{suffix}"
    return path, f"{path}: {reason}"


READERS = {
    "open_report": (".txt", open_report),
    "report_kind": (".txt", kinds.report_kind),
    "read_performance": (".json", read_performance),
    "verify .csv": (".csv", verify_file),
    "verify .json": (".json", verify_file),
    "verify .xlsx": (".xlsx", verify_file),
}


@pytest.mark.parametrize("make", NOT_FILES)
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_refuses_what_is_not_an_ordinary_file(tmp_path, reader, make):
    suffix, read = READERS[reader]
    path, message = not_a_file(tmp_path, make, suffix)
    error = returns_promptly(lambda: read(path))
    assert isinstance(error, InputError), error
    assert str(error) == message


@pytest.mark.parametrize("make", NOT_FILES)
@pytest.mark.parametrize("kind", kinds.KINDS)
def test_every_import_refuses_what_is_not_an_ordinary_file(database, tmp_path, kind, make):
    path, message = not_a_file(tmp_path, make, ".json" if kind == "performance" else ".txt")
    error = returns_promptly(lambda: kinds.import_report(database.engine, path, kind=kind,
                                                         marketplace="US"))
    assert isinstance(error, InputError), error
    assert str(error) == message


@pytest.mark.parametrize("make", NOT_FILES)
def test_a_policy_import_refuses_what_is_not_an_ordinary_file(database, tmp_path, make):
    path, message = not_a_file(tmp_path, make, ".toml")
    error = returns_promptly(lambda: policies.import_policy(database.engine, path, by="Ana"))
    assert isinstance(error, InputError), error
    assert str(error) == message


def test_a_file_far_larger_than_a_policy_is_refused_unread(database, tmp_path):
    path = tmp_path / "huge.toml"
    with open(path, "wb") as f:
        f.truncate(policies.MAX_POLICY_BYTES + 1)          # sparse: no disk spent
    with pytest.raises(InputError, match=r"^huge\.toml: this file is larger than 1 MB, too "
                                         r"large to be a policy file$"):
        policies.import_policy(database.engine, path, by="Ana")


TOO_DEEP = "its tables or lists are nested far deeper than a policy's: this is not a policy"


@pytest.mark.parametrize(("text", "message"), [
    ("[limits]\nmax_per_order = " + "[" * 5000 + "]" * 5000, TOO_DEEP),
    ("[limits]\nmax_per_order = " + "{ a = " * 5000 + "1" + " }" * 5000, TOO_DEEP),
    ("[limits]\n" + "a." * 3000 + "b = 1", TOO_DEEP),
    ("[guards]\nbuyer_window_days = " + "9" * 5000, "a number in it is thousands of digits long"),
], ids=["arrays", "inline tables", "dotted keys", "a 5,000-digit integer"])
def test_a_policy_of_hostile_structure_gets_one_message(database, tmp_path, text, message):
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        policies.import_policy(database.engine, path, by="Ana")
    assert str(error.value).startswith(f"hostile.toml: {message}")
    with pytest.raises(PolicyError, match=message):    # the editor checks text the same way
        parse_policy(text, source="draft")
