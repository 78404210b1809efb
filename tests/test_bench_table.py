"""The README's performance table is `python -m bench`'s output: the bench writes it
between two markers, and what is there now is in the form the bench writes (no timings
are taken here)."""

import subprocess
import sys
from pathlib import Path

from bench.__main__ import END, START, with_table
from bench.table import HEADER, Row, markdown_table

REPO = Path(__file__).resolve().parents[1]


def readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def table_in(text: str) -> list[str]:
    start, end = text.index(START), text.index(END)
    return text[start + len(START):end].strip("\n").splitlines()


def test_the_readme_table_is_in_the_form_the_bench_writes():
    text = readme()
    assert text.index("## Performance") < text.index(START) < text.index(END)
    lines = table_in(text)
    assert "\n".join(lines[:2]) == HEADER
    assert len(lines) > 2
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == 3, line
        assert all(cells[:2]), line
        assert Row(*cells).markdown() == line


def test_writing_the_table_replaces_only_what_is_between_the_markers():
    text = readme()
    rows = [Row("import 10 rows", "1.00 s vs 0.50 s floor = **2.00×**", "≤ 2×"),
            Row("… then listed", "3 ms", "")]
    written = with_table(text, markdown_table(rows))
    assert table_in(written) == markdown_table(rows).splitlines()
    assert written[:written.index(START)] == text[:text.index(START)]
    assert written[written.index(END):] == text[text.index(END):]


def test_python_m_bench_help_runs():
    done = subprocess.run([sys.executable, "-m", "bench", "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout
    assert "--write-readme" in done.stdout
