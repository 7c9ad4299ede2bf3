"""Retention's batches: bounded rows per statement and batches per run, each its own commit, the
condition checked again at delete time; and migrate adding what retention's look-ups need."""

from __future__ import annotations

import datetime as dt

import pytest

from doctypes.session.model import LoginFailure
from traciqo_rpc import db, retention

NOW = dt.datetime(2030, 1, 1)


def failures(ages_in_days: list[float]) -> None:
    LoginFailure.insert_many([{"email": f"u{n}@example.com", "failed_at": NOW - dt.timedelta(days=days)}
                              for n, days in enumerate(ages_in_days)]).execute()


def old() -> object:
    return LoginFailure.failed_at < NOW - dt.timedelta(days=1)


def test_a_keeping_time_of_zero_is_forever():
    assert retention.cutoff(NOW) is None and retention.cutoff(NOW, days=0, hours=0) is None
    assert retention.cutoff(NOW, days=2) == NOW - dt.timedelta(days=2)
    assert retention.cutoff(NOW, hours=6) == NOW - dt.timedelta(hours=6)


def test_rows_go_in_bounded_batches_and_the_next_run_carries_on(rt):
    failures([5] * 25 + [0.5] * 5)
    assert retention.delete_where(LoginFailure, old(), batch_rows=10, max_batches=2, pause=0) == 20
    assert LoginFailure.select().count() == 10
    assert retention.delete_where(LoginFailure, old(), batch_rows=10, max_batches=5, pause=0) == 5
    assert retention.delete_where(LoginFailure, old(), batch_rows=10, pause=0) == 0
    assert LoginFailure.select().count() == 5  # the young ones


def test_each_batch_commits_by_itself(rt):
    failures([5] * 30)
    calls = []

    def delete(keys):
        calls.append(len(keys))
        if len(calls) == 2:
            raise RuntimeError("the second batch fails")
        return LoginFailure.delete().where(LoginFailure.id.in_(list(keys))).execute()

    def find(limit):
        return list(LoginFailure.select(LoginFailure.id).order_by(LoginFailure.id).limit(limit).scalars())

    with pytest.raises(RuntimeError):
        retention.in_batches(find, delete, batch_rows=10, pause=0)
    assert LoginFailure.select().count() == 20  # the first batch stayed deleted, the second rolled back


def test_a_row_that_changed_since_it_was_found_stays(rt):
    failures([5, 5])
    first, second = LoginFailure.select().order_by(LoginFailure.id)

    def find(limit):
        found = list(LoginFailure.select(LoginFailure.id).where(old()).limit(limit).scalars())
        LoginFailure.update(failed_at=NOW).where(LoginFailure.id == second.id).execute()  # meanwhile, a change
        return found

    def delete(keys):
        return LoginFailure.delete().where(LoginFailure.id.in_(list(keys)) & old()).execute()

    assert retention.in_batches(find, delete, pause=0) == 1
    assert list(LoginFailure.select(LoginFailure.id).scalars()) == [second.id]


def test_committed_runs_after_each_batch_has_committed(rt):
    failures([5] * 5)
    seen = []
    retention.in_batches(lambda limit: list(LoginFailure.select(LoginFailure.id).limit(limit).scalars()),
                         lambda keys: LoginFailure.delete().where(LoginFailure.id.in_(list(keys))).execute(),
                         batch_rows=2, pause=0, committed=lambda: seen.append(db.database.in_transaction()))
    assert seen == [False, False, False]


def test_migrate_adds_a_new_column_and_index_to_an_existing_table(rt):
    """peewee's create_tables(safe=True) runs CREATE INDEX IF NOT EXISTS for every model, so an
    index added to Meta.indexes reaches a table that already exists (here: the uploads')."""
    from doctypes.upload.model import Upload

    database = db.database.obj
    database.execute_sql('DROP INDEX "upload_attached_created_at"')
    database.execute_sql('ALTER TABLE "upload" DROP COLUMN "attached"')
    assert "upload_attached_created_at" not in {i.name for i in database.get_indexes("upload")}
    changes = db.migrate([Upload])
    assert changes == ["add column upload.attached"]
    assert "upload_attached_created_at" in {i.name for i in database.get_indexes("upload")}
    assert db.migrate([Upload]) == []
