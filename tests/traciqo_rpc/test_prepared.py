"""On PostgreSQL, psycopg prepares the hot statements (not the bulk ones); the switch turns it off."""

from __future__ import annotations

import dataclasses

import peewee
import pytest

from traciqo_rpc import db


@pytest.fixture
def part(rt):
    if db.is_sqlite():
        pytest.skip("SQLite's driver keeps its statements prepared itself")

    class Part(db.BaseModel):
        code = peewee.CharField(unique=True)
        note = peewee.CharField(null=True)
        weight = peewee.IntegerField(null=True)

    db.migrate([Part])
    yield Part
    db.database.drop_tables([Part])


def prepared_here(fragment: str) -> list[str]:
    """The statements this thread's connection has prepared that contain `fragment`."""
    rows = db.database.execute_sql("SELECT statement FROM pg_prepared_statements").fetchall()
    return [text for (text,) in rows if fragment in text]


def test_a_hot_statement_is_prepared_and_answers_as_before(part):
    select = "SELECT code, note, weight FROM part WHERE code IN (?, ?) ORDER BY code"
    with db.transaction():
        db.execute("INSERT INTO part (code, note, weight) VALUES (?, ?, ?)", ("a", "it's 100% ok", 3))
        db.execute("INSERT INTO part (code, note, weight) VALUES (?, ?, ?)", ("b", None, None))
    for _ in range(8):  # past psycopg's threshold and PostgreSQL's five runs before a generic plan
        assert db.execute(select, ("a", "b")).fetchall() == [("a", "it's 100% ok", 3), ("b", None, None)]
    assert len(prepared_here("FROM part WHERE code IN")) == 1


def test_a_bulk_statement_is_never_prepared(part):
    """Hundreds of parameters: a generic plan cached while the table was small would not follow its growth."""
    codes = [f"c{n}" for n in range(db.MAX_PREPARED_PARAMETERS + 1)]
    bulk = f"SELECT code FROM part WHERE code IN ({', '.join('?' * len(codes))})"
    small = "SELECT code FROM part WHERE weight IS NULL AND code IN (?, ?)"
    with db.transaction():
        db.execute("INSERT INTO part (code) VALUES (?)", ("c7",))
    for _ in range(8):
        assert db.execute(bulk, tuple(codes)).fetchall() == [("c7",)]
        assert db.execute(small, ("c7", "x")).fetchall() == [("c7",)]
    assert prepared_here("code IN ($1, $2, $3, $4") == []
    assert len(prepared_here("weight IS NULL AND code IN")) == 1


def test_errors_still_arrive_as_peewees_and_roll_back(part):
    insert = "INSERT INTO part (code) VALUES (?)"
    with db.transaction():
        for code in ("a", "b", "c"):  # prepared by now
            db.execute(insert, (code,))
    with pytest.raises(peewee.IntegrityError), db.transaction():
        db.execute(insert, ("d",))
        db.execute(insert, ("a",))
    assert sorted(p.code for p in part.select()) == ["a", "b", "c"]


def test_many_rows_go_in_one_call_with_their_types(part):
    db.execute_many("INSERT INTO part (code, note, weight) VALUES (?, ?, ?)",
                    [(f"m{n}", None if n % 2 else "50% off", n) for n in range(50)])
    assert part.select().count() == 50
    assert part.get(part.code == "m4").note == "50% off" and part.get(part.code == "m5").weight == 5


def test_turned_off_nothing_is_prepared(make_app, settings, part):
    """For a pooler that keeps no session state between transactions (PgBouncer in transaction
    mode): TRACIQO_DATABASE_PREPARED_STATEMENTS=0."""
    make_app(dataclasses.replace(settings, database_prepared_statements=False))
    select = "SELECT code FROM part WHERE note = ? AND weight > ?"
    for _ in range(8):
        assert db.execute(select, ("x", 1)).fetchall() == []
    assert prepared_here("WHERE note = $1 AND weight > $2") == []
