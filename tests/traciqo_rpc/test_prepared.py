"""Hand-written SQL runs as prepared statements on PostgreSQL, once per connection."""

from __future__ import annotations

import peewee
import pytest

from traciqo_rpc import db, prepared


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


def statements_prepared() -> dict[str, str]:
    rows = db.database.execute_sql("SELECT name, statement FROM pg_prepared_statements").fetchall()
    return dict(rows)


def test_placeholders_become_numbered_parameters():
    assert prepared.numbered("SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == \
        "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
    assert prepared.numbered("SELECT 1") == "SELECT 1"


def test_a_statement_is_prepared_once_and_answers_as_before(part):
    select = "SELECT code, note, weight FROM part WHERE code IN (?, ?) ORDER BY code"
    with db.transaction():
        db.execute("INSERT INTO part (code, note, weight) VALUES (?, ?, ?)", ("a", "it's 100% ok", 3))
        db.execute("INSERT INTO part (code, note, weight) VALUES (?, ?, ?)", ("b", None, None))
    for _ in range(7):  # past the five runs after which PostgreSQL may switch to a generic plan
        assert db.execute(select, ("a", "b")).fetchall() == [("a", "it's 100% ok", 3), ("b", None, None)]
    statements = [text for text in statements_prepared().values() if "FROM part WHERE code IN" in text]
    assert statements == [f"PREPARE {prepared._names[select]} AS {prepared.numbered(select)}"]


def test_only_statements_prepare_takes_are_tried(part):
    with db.transaction(), db.transaction():  # the inner one is a savepoint: SAVEPOINT sp1 ...
        db.execute("INSERT INTO part (code) VALUES (?)", ("a",))
    assert prepared._names["SAVEPOINT sp1"] == prepared._names["RELEASE SAVEPOINT sp1"] == prepared._UNPREPARABLE
    assert prepared._names["INSERT INTO part (code) VALUES (?)"] in statements_prepared()


def test_a_bulk_statement_is_sent_as_it_is(part):
    """Hundreds of parameters: a generic plan cached while the table was small would not follow its growth."""
    codes = [f"c{n}" for n in range(prepared.MAX_PARAMETERS + 1)]
    bulk = f"SELECT code FROM part WHERE code IN ({', '.join('?' * len(codes))})"
    small = "SELECT code FROM part WHERE code IN (?, ?)"
    with db.transaction():
        db.execute("INSERT INTO part (code) VALUES (?)", ("c7",))
    for _ in range(7):
        assert db.execute(bulk, tuple(codes)).fetchall() == [("c7",)]
        assert db.execute(small, ("c7", "x")).fetchall() == [("c7",)]
    assert prepared._names[bulk] == prepared._UNPREPARABLE
    assert prepared._names[small] in statements_prepared()


def test_errors_still_arrive_as_peewees_and_roll_back(part):
    insert = "INSERT INTO part (code) VALUES (?)"
    with db.transaction():
        db.execute(insert, ("a",))
    with pytest.raises(peewee.IntegrityError), db.transaction():
        db.execute(insert, ("b",))
        db.execute(insert, ("a",))
    assert [p.code for p in part.select()] == ["a"]


def test_a_statement_postgresql_cannot_prepare_runs_unprepared_and_keeps_the_transaction(part):
    ambiguous = "SELECT code FROM part WHERE ? IS NULL OR code = ?"  # $1's type cannot be inferred
    with db.transaction():
        db.execute("INSERT INTO part (code) VALUES (?)", ("a",))
        assert db.execute(ambiguous, (None, "zzz")).fetchall() == [("a",)]
        db.execute("INSERT INTO part (code) VALUES (?)", ("b",))  # the transaction is still usable
    assert db.execute(ambiguous, ("x", "b")).fetchall() == [("b",)]  # and outside one
    assert prepared._names[ambiguous] == prepared._UNPREPARABLE
    assert sorted(p.code for p in part.select()) == ["a", "b"]


def test_a_new_connection_prepares_again(part):
    select = "SELECT count(*) FROM part WHERE weight = ?"
    assert db.execute(select, (1,)).fetchone() == (0,)
    db.database.close()  # back to the pool; closing it for good makes the next one new
    db.database.close_all()
    assert db.execute(select, (1,)).fetchone() == (0,)
    assert prepared._names[select] in statements_prepared()


def test_turned_off_nothing_is_prepared(make_app, settings, part):
    import dataclasses

    make_app(dataclasses.replace(settings, database_prepared_statements=False))
    select = "SELECT code FROM part WHERE note = ?"
    try:
        assert db.execute(select, ("x",)).fetchall() == []
        assert select not in prepared._names
    finally:
        prepared.use(True)
