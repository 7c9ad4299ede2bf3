"""Additive migrations, hand-written SQL on either backend and the tenant scoping helper."""

from __future__ import annotations

import peewee
import pytest

from traciqo_rpc import db
from traciqo_rpc.context import RequestContext
from traciqo_rpc.principal import Principal


def test_migrate_adds_new_columns_and_keeps_rows(rt):
    class Gadget(db.BaseModel):
        name = peewee.CharField()

    db.migrate([Gadget])
    Gadget.create(name="kept")

    class Gadget(db.BaseModel):  # noqa: F811 - the next version of the model
        name = peewee.CharField()
        colour = peewee.CharField(default="blue")
        size = peewee.IntegerField(null=True, index=True)

    assert db.migrate([Gadget]) == ["add column gadget.colour", "add column gadget.size"]
    assert db.migrate([Gadget]) == []
    row = Gadget.get()
    assert (row.name, row.colour, row.size) == ("kept", "blue", None)
    db.database.drop_tables([Gadget])


def test_migrate_refuses_required_column_without_default(rt):
    class Widget(db.BaseModel):
        name = peewee.CharField()

    db.migrate([Widget])

    class Widget(db.BaseModel):  # noqa: F811
        name = peewee.CharField()
        weight = peewee.IntegerField()

    with pytest.raises(RuntimeError, match="needs a default"):
        db.migrate([Widget])
    db.database.drop_tables([Widget])


def test_migrate_drops_retired_indexes_only(rt):
    class Gizmo(db.BaseModel):
        name = peewee.CharField(index=True)
        kind = peewee.CharField(index=True)

    db.migrate([Gizmo])
    Gizmo.create(name="kept", kind="a")

    class Gizmo(db.BaseModel):  # noqa: F811 - the name index replaced by a composite one
        name = peewee.CharField()
        kind = peewee.CharField(index=True)

        class Meta:
            indexes = ((("name", "kind"), False),)
            retired_indexes = ("gizmo_name",)

    assert db.migrate([Gizmo]) == ["drop index gizmo_name"]
    assert db.migrate([Gizmo]) == []
    names = {index.name for index in db.database.get_indexes("gizmo")}
    assert "gizmo_name" not in names and {"gizmo_kind", "gizmo_name_kind"} <= names
    assert Gizmo.get().name == "kept"
    db.database.drop_tables([Gizmo])


def test_execute_many_writes_every_row_and_keeps_integrity_errors(rt):
    class Part(db.BaseModel):
        code = peewee.CharField(unique=True)
        note = peewee.CharField(null=True)

    db.migrate([Part])
    rows = [(f"p{n}", "it's 100% ok" if n % 2 else None) for n in range(1200)]  # more than one page
    with db.transaction():
        db.execute_many('INSERT INTO part (code, note) VALUES (?, ?)', rows)
    assert sorted((p.code, p.note) for p in Part.select()) == sorted(rows)
    with pytest.raises(peewee.IntegrityError), db.transaction():
        db.execute_many("INSERT INTO part (code, note) VALUES (?, ?)", [("new", None), ("p1", None)])
    assert Part.select().count() == 1200  # all or nothing
    with db.transaction():
        db.execute_many("UPDATE part SET note = ? WHERE code = ?", [("a", "p0"), ("b", "p2")])
    assert [p.note for p in Part.select().where(Part.code.in_(["p0", "p2"])).order_by(Part.code)] == ["a", "b"]
    db.database.drop_tables([Part])


def test_placeholders_reach_psycopg_as_it_takes_them():
    assert db._for_postgresql("SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == \
        "SELECT a FROM t WHERE b = %s AND c IN (%s, %s)"
    assert db._for_postgresql("SELECT '50%' FROM t WHERE b = ?") == "SELECT '50%%' FROM t WHERE b = %s"


def test_scoped_needs_a_principal(rt):
    from doctypes.api_key.model import ApiKey
    from traciqo_rpc.errors import GuestNotAllowed

    with pytest.raises(GuestNotAllowed):
        ApiKey.scoped(RequestContext())
    ctx = RequestContext(principal=Principal.system(workspace_id=42, is_sandbox=True))
    sql, params = ApiKey.scoped(ctx).sql()
    assert 42 in params and True in params
