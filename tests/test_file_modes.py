"""On Linux and macOS every file SellerDesk keeps is its user's alone: folders 0o700, files
0o600, whatever umask the desktop or shell started it with. Here a permissive one (0o000,
under which a process's own mode requests are all that stand) starts real `sellerdesk`
processes that make the data folder, the database, the key file, the evidence store and
a backup; then every folder and file they left is looked at.

(Windows has no such modes: the user profile's ACLs protect the data there, README.)"""

import os
import stat
import subprocess
import sys

from tests.helpers.reports import row, write

ORDER = "114-3941689-8772232"


def test_everything_sellerdesk_keeps_is_owner_only_whatever_the_umask(tmp_path, private_home):
    env = {**os.environ, "SELLERDESK_STAFF": "Ana",
           # No OS keyring, so the desk's keys go into the key file, as on such a computer.
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "SELLERDESK_KEY_PASSPHRASE": "correct horse battery staple"}
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = write(inbox / "orders.txt", [row(ORDER)])
    photo = inbox / "box.jpg"
    photo.write_bytes(b"\xff\xd8\xff the box as it came" * 50)
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()

    def sellerdesk(*argv: str) -> None:
        result = subprocess.run([sys.executable, "-m", "sellerdesk", *argv], env=env,
                                umask=0o000, capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr

    sellerdesk("import", "orders", str(report))            # the data folder and database
    sellerdesk("key-file", "create")
    sellerdesk("issue", "add", ORDER, "--type", "damaged", "--buyer", "jane@example.com")
    sellerdesk("issue", "attach", "1", str(photo))          # the evidence store
    sellerdesk("backup", str(elsewhere / "desk.sqlite3"))   # and the backups folder beside it

    data = private_home / "sellerdesk" / "data"
    kept = {path.relative_to(data).as_posix(): stat.S_IMODE(path.stat().st_mode)
            for path in [data, *data.rglob("*")]}
    for name in ("sellerdesk.sqlite3", "desk-keys.sealed", "backups",
                 "sellerdesk-evidence"):
        assert name in kept                                  # each was made here
    assert any(name.startswith("sellerdesk-evidence/") and len(name) > 60 for name in kept)
    wrong = {name: oct(mode) for name, mode in kept.items()
             if mode != (0o700 if (data / name).is_dir() else 0o600)}
    assert wrong == {}
    assert stat.S_IMODE((elsewhere / "desk.sqlite3").stat().st_mode) == 0o600
