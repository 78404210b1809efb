"""Date arithmetic SQLite and PostgreSQL spell differently: the day of the week (Monday 0,
as Python's `weekday()`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class weekday(FunctionElement):
    """weekday(a): 0 for Monday … 6 for Sunday."""
    type = sa.Integer()
    inherit_cache = True


@compiles(weekday, "sqlite")
def _weekday_sqlite(element: weekday, compiler: Any, **kw: Any) -> str:
    (a,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((CAST(strftime('%w', {a}) AS INTEGER) + 6) % 7)"


@compiles(weekday, "postgresql")
def _weekday_postgresql(element: weekday, compiler: Any, **kw: Any) -> str:
    (a,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST(EXTRACT(ISODOW FROM {a}) AS INTEGER) - 1)"
