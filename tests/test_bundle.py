"""The window's executable as Windows starts it: windowed, with no console, so Python's
stdout and stderr are None. Here the process starts with both descriptors closed, which
gives Python the same None. Its verdict must be the exit status, and what it would have
printed (the smoke line, a refusal) must be in its log file, where a person can find it.

(The bundle itself is built and both executables smoke-tested by .ci/run.)"""

import os
import subprocess
import sys


def start_without_console(*argv: str) -> int:
    """`python -m sellerdesk ARGV` with stdout and stderr closed, as the windowed bundle."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        ["/bin/sh", "-c", 'exec "$@" >&- 2>&-', "sh", sys.executable, "-m", "sellerdesk",
         *argv], env=env, stdin=subprocess.DEVNULL, timeout=120).returncode


def test_the_windowed_start_says_success_by_its_exit_status_and_in_its_log(
        tmp_path, private_home):
    code = start_without_console("--db", str(tmp_path / "s.sqlite3"), "--smoke")
    assert code == 0
    # platformdirs' log folder: ~/.local/state/SellerDesk/log on Linux,
    # %LOCALAPPDATA%\SellerDesk\Logs on Windows, ~/Library/Logs/SellerDesk on macOS.
    log = (private_home / "state" / "SellerDesk" / "log" / "sellerdesk.log").read_text()
    assert "smoke: window shown, database opened" in log


def test_a_refusal_with_no_console_is_a_failing_exit_status_and_a_sentence_in_the_log(
        tmp_path, private_home):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database at all" * 100)
    code = start_without_console("--db", str(bogus), "--smoke")
    assert code == 1
    log = (private_home / "state" / "SellerDesk" / "log" / "sellerdesk.log").read_text()
    assert "is not a SellerDesk database" in log
    assert "Traceback" not in log
