"""One row of the benchmarks table: what was measured, what came out (beside the
baseline measured in the same run), and the target. `python -m bench` gathers the rows
of every benchmark module (each has `measure(quick: bool) -> list[Row]`) into the one
table the README shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    result: str
    target: str = ""

    def markdown(self) -> str:
        return f"| {self.measure} | {self.result} | {self.target} |"


HEADER = "| measure | result | target |\n|---|---|---|"


def markdown_table(rows: list[Row]) -> str:
    """The table as the README shows it: the header, then one line a row."""
    return "\n".join([HEADER, *(row.markdown() for row in rows)])
