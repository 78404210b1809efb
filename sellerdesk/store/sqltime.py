"""Date arithmetic SQLite and PostgreSQL spell differently: the day of the week (Monday 0,
as Python's `weekday()`), and the date some days after a moment."""

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


class days_later(FunctionElement):
    """days_later(a, n): the date of the moment `a`, plus `n` whole days (n a constant,
    written into the SQL so that it is part of the statement's cache key). Compared with
    a Date column: SQLite keeps both as ISO text, PostgreSQL as dates."""
    type = sa.Date()
    inherit_cache = True

    def __init__(self, moment: Any, days: int) -> None:
        super().__init__(moment, sa.literal_column(str(int(days)), sa.Integer()))


@compiles(days_later, "sqlite")
def _days_later_sqlite(element: days_later, compiler: Any, **kw: Any) -> str:
    a, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({a}, '{int(days):+d} days')"


@compiles(days_later, "postgresql")
def _days_later_postgresql(element: days_later, compiler: Any, **kw: Any) -> str:
    a, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({a} AS DATE) + {int(days):d})"
