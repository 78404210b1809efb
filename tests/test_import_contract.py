"""`sellerdesk import KIND FILE --json` keeps PRODUCT.md §8's keys for every kind of
report, whatever else each adds."""

import json

import pytest

from sellerdesk.cli import IMPORT_KINDS, main
from tests.conftest import AMAZON
from tests.helpers.reports import base_files, row, write

CONTRACT = {"file", "kind", "rows", "orders_added", "orders_updated", "skipped"}


@pytest.mark.parametrize("kind", IMPORT_KINDS)
def test_every_import_prints_the_contracts_keys(kind, sqlite_url, tmp_path, capsys,
                                                monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    write(tmp_path / "seed.txt", [row("114-0000000-0000001")])
    assert main(["import", "orders", str(tmp_path / "seed.txt"), "--db", sqlite_url]) == 0
    capsys.readouterr()
    files = {k: path for k, (path, _) in base_files(tmp_path).items()}
    files["performance"] = AMAZON / "reports" / "airbyte_GET_V2_SELLER_PERFORMANCE_REPORT.json"
    extra = ["--marketplace", "US"] if kind == "feedback" else []
    assert main(["import", kind, str(files[kind]), "--db", sqlite_url, "--json", *extra]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= CONTRACT, CONTRACT - set(out)
    assert (out["kind"], out["file"]) == (kind, files[kind].name)
    assert out["rows"] > 0
    assert all(isinstance(out[k], int) for k in ("rows", "orders_added", "orders_updated"))
