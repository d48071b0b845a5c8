"""Lean SQL for the commands a whole room sends at once (posting, supporting, voting), and for
the rows every phone joining reads (the meeting, the phone's participant).

At 2,000 phones a room sends hundreds of commands a second. The ORM spent more time building
their few statements than the database spent running them, and on PostgreSQL each statement is
also a round trip: so the writes of a group commit (rooms/runner.py) are made here, with
statements built once per model and the rows of a unit in one ``executemany`` (one round trip on
PostgreSQL, in a pipeline), in SQL that SQLite and PostgreSQL both run. Values still go through
each field's own conversion (``pre_save``, ``get_db_prep_save``): what is stored is what
``save()`` would store.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)


def run(statement: str, params: Sequence[Any]) -> tuple[Any, int]:
    """Run one statement; return the cursor's first row (None if none) and its row count."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone() if cursor.description else None
        return row, cursor.rowcount


def rows(statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run one query; return every row."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall())


def marks(count: int) -> str:
    """``%s, %s, …``: `count` placeholders, for an ``IN (…)`` list (never values)."""
    return ", ".join(["%s"] * max(1, count))


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _columns(model: type[models.Model], with_pk: bool) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if with_pk or not f.primary_key)


def _values(obj: models.Model, fields: Sequence[models.Field]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _saved(obj: models.Model) -> None:
    obj._state.adding = False
    obj._state.db = connection.alias


@functools.cache
def _insert_one_statement(model: type[models.Model], vendor: str) -> str:
    fields = _columns(model, False)
    return "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(  # noqa: S608 - quoted names
        _quote(model._meta.db_table),
        ", ".join(_quote(f.column) for f in fields),
        marks(len(fields)),
        _quote(model._meta.pk.column),
    )


def insert_one(obj: models.Model) -> None:
    """Save a new object as ``save()`` would (defaults, auto_now), with a statement built once
    per model; `obj.pk` is set."""
    if not connection.features.can_return_columns_from_insert:
        obj.save(force_insert=True)
        return
    statement = _insert_one_statement(type(obj), connection.vendor)
    row, _count = run(statement, _values(obj, _columns(type(obj), False)))
    obj.pk = row[0]
    _saved(obj)


class NewRows:
    """New objects of one model to insert together later, in one ``executemany``, reading
    nothing back. Each object's values are taken when it is added, as ``save()`` would take them
    then (``auto_now`` fields are set on the object at once).

    Objects whose `pk` is set (``reserve_ids``) are inserted with it. `on_conflict`: (the unique
    columns, the columns to update), an upsert: a row already there takes the new values.
    """

    def __init__(self, on_conflict: tuple[Sequence[str], Sequence[str]] | None = None) -> None:
        self.on_conflict = on_conflict
        self.fields: tuple[models.Field, ...] = ()
        self.objs: list[models.Model] = []
        self.values: list[list[Any]] = []

    def add(self, obj: models.Model) -> None:
        if not self.objs:
            self.fields = _columns(type(obj), obj.pk is not None)
        self.objs.append(obj)
        self.values.append(_values(obj, self.fields))

    def insert(self) -> None:
        """Insert the rows added so far (then none are left)."""
        if not self.objs:
            return
        objs, values, self.objs, self.values = self.objs, self.values, [], []
        head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - quoted names
            _quote(objs[0]._meta.db_table), ", ".join(_quote(f.column) for f in self.fields)
        )
        tail = ""
        if self.on_conflict is not None:
            unique, updated = self.on_conflict
            tail = " ON CONFLICT ({}) DO UPDATE SET {}".format(
                ", ".join(_quote(c) for c in unique),
                ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in updated),
            )
        # One statement run for every row: psycopg sends them in one pipeline (one round trip)
        # and converts the statement once; a statement of many rows was parsed anew each time.
        with connection.cursor() as cursor:
            cursor.executemany(head + f"({marks(len(self.fields))})" + tail, values)
        for obj in objs:
            _saved(obj)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model` from its PostgreSQL sequence, in one statement (none
    elsewhere: SQLite numbers rows as they are inserted, which costs no round trip)."""
    if connection.vendor != "postgresql" or count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    return [
        row[0]
        for row in rows(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
    ]


# --- Reading one row -------------------------------------------------------------------------
# A join storm reads the meeting and the phone's participant a few times per phone, and every
# group commit locks the meeting's row: the ORM's `get` spent about 250 µs building each query
# for a statement that runs in 30 µs (issue 14).


@functools.cache
def _select_one_statement(
    model: type[models.Model], names: tuple[str, ...], for_update: bool, vendor: str
) -> str:
    fields = _columns(model, True)
    column_of = {f.attname: f.column for f in fields}
    return "SELECT {} FROM {} WHERE {}{}".format(  # noqa: S608 - quoted names
        ", ".join(_quote(f.column) for f in fields),
        _quote(model._meta.db_table),
        " AND ".join(f"{_quote(column_of[name])} = %s" for name in names),
        " FOR UPDATE" if for_update else "",
    )


@functools.lru_cache(maxsize=64)
def _row_converters(
    model: type[models.Model], wrapper: BaseDatabaseWrapper
) -> tuple[tuple[int, Any, list[Any]], ...]:
    """(index, column expression, converters) of the columns whose database value is converted
    (as the ORM's compiler converts them: the backend's, then the field's `from_db_value`)."""
    found = []
    for index, field in enumerate(_columns(model, True)):
        col = field.get_col(model._meta.db_table)
        converters = wrapper.ops.get_db_converters(col) + col.get_db_converters(wrapper)
        if converters:
            found.append((index, col, converters))
    return tuple(found)


def get_one(model: type[M], *, for_update: bool = False, **columns: Any) -> M | None:
    """The object of `model` whose columns (by attribute name: ``meeting_id``, not ``meeting``)
    have these plain values, built as the ORM builds it; None if there is none. For lookups that
    match one row at most (unique columns). `for_update`: the row locked until the transaction
    ends, as ``select_for_update()`` locks it (where the database has such locks)."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    names = tuple(columns)
    lock = for_update and wrapper.features.has_select_for_update
    statement = _select_one_statement(model, names, lock, wrapper.vendor)
    with wrapper.cursor() as cursor:
        cursor.execute(statement, [columns[name] for name in names])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, col, converters in _row_converters(model, wrapper):
        for converter in converters:
            values[index] = converter(values[index], col, wrapper)
    attnames = [f.attname for f in _columns(model, True)]
    return model.from_db(DEFAULT_DB_ALIAS, attnames, values)
