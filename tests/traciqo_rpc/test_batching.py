"""Group commit: batched calls share one transaction, fail alone, and act only after the commit.

The writer itself is tested on every backend; the dispatcher sends batched calls to it on SQLite only.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.helpers import wait_for, work_queue
from tests.support.methods import JobMark
from traciqo_rpc import batching, db, errors

MARK = "/api/method/tests.support.methods.mark_batched"


def labels() -> list[str]:
    return sorted(m.label for m in JobMark.select())


def test_queued_calls_run_in_one_batch_and_a_failure_rolls_back_only_itself(rt, monkeypatch):
    sizes = []
    run_batch = batching.WriteBatcher._run_batch
    monkeypatch.setattr(batching.WriteBatcher, "_run_batch", lambda self, batch: (sizes.append(len(batch)),
                                                                                   run_batch(self, batch)))

    def write(label: str, fail: bool) -> str:
        with db.transaction():  # a savepoint the method opens itself: its rows still go when it fails
            JobMark.create(label=label)
            if fail:
                raise errors.ValidationError("asked to fail")
        return label

    async def five_calls() -> list:
        batcher = batching.WriteBatcher()
        calls = [asyncio.ensure_future(batcher.run(write, f"m{i}", i == 2)) for i in range(5)]
        await asyncio.sleep(0)  # all five are queued before the writer starts
        batcher.start()
        try:
            return await asyncio.gather(*calls, return_exceptions=True)
        finally:
            batcher.stop()

    results = asyncio.run(five_calls())
    assert sizes == [5]
    assert [r if isinstance(r, str) else type(r).__name__ for r in results] == ["m0", "m1", "ValidationError", "m3", "m4"]
    assert labels() == ["m0", "m1", "m3", "m4"]


def _run_five(write, together=None) -> list:
    """Five calls queued before the writer starts (one batch); with `together`, as its items."""
    async def five_calls() -> list:
        batcher = batching.WriteBatcher()
        calls = [asyncio.ensure_future(batcher.run(write, f"m{i}", together=together, item=f"m{i}")) for i in range(5)]
        await asyncio.sleep(0)
        batcher.start()
        try:
            return await asyncio.gather(*calls, return_exceptions=True)
        finally:
            batcher.stop()

    return [r if isinstance(r, str) else type(r).__name__ for r in asyncio.run(five_calls())]


def test_a_call_that_fails_before_writing_fails_alone_and_nothing_runs_twice(rt):
    runs = []

    def write(label: str) -> str:  # no savepoint of its own, as the dispatcher calls it
        runs.append(label)
        if label == "m2":
            raise errors.DoesNotExistError("checked before any write")
        JobMark.create(label=label)
        return label

    assert _run_five(write) == ["m0", "m1", "DoesNotExistError", "m3", "m4"]
    assert labels() == ["m0", "m1", "m3", "m4"]
    assert runs == ["m0", "m1", "m2", "m3", "m4"]


def _failing_after_writing(runs: list[str]):
    """A call that records its run and writes its row; m2 then fails, found out after writing."""
    def write(label: str) -> str:
        runs.append(label)
        JobMark.create(label=label)
        if label == "m2":
            raise errors.DuplicateEntryError("found out after writing")
        return label

    return write


def test_a_call_that_fails_after_writing_takes_its_rows_with_it(rt):
    runs: list[str] = []
    write = _failing_after_writing(runs)
    assert _run_five(write) == ["m0", "m1", "DuplicateEntryError", "m3", "m4"]
    assert labels() == ["m0", "m1", "m3", "m4"]
    if db.total_changes() is None:  # PostgreSQL: every call has its savepoint from the start
        assert runs == ["m0", "m1", "m2", "m3", "m4"]
    else:  # SQLite: the batch went back to its start and ran again, each call in a savepoint
        assert runs == ["m0", "m1", "m2", "m0", "m1", "m2", "m3", "m4"]


def test_a_call_that_ends_the_transaction_stops_the_batch(rt):
    runs = []

    def write(label: str) -> str:
        runs.append(label)
        if label == "m2":  # its first write fails and takes the transaction along, as SQLite does
            db.execute("ROLLBACK")  # by itself after a full disk or an I/O error
            raise RuntimeError("disk I/O error")
        JobMark.create(label=label)
        return label

    results = _run_five(write)
    # Nobody is told of a success that is gone, and the calls after it never run on their own.
    # (The failing call answers with its own error: on PostgreSQL, its savepoint's rollback fails.)
    assert results[:2] == results[3:] == ["CommitFailed", "CommitFailed"]
    assert results[2] in ("RuntimeError", "InternalError")
    assert labels() == []
    assert runs == ["m0", "m1", "m2"]


def test_calls_that_share_a_together_function_run_as_one_call(rt):
    together_runs, alone_runs = [], []

    def write(label: str) -> str:
        alone_runs.append(label)
        JobMark.create(label=label)
        return label

    def write_many(items: list[str]) -> list[str]:
        together_runs.append(list(items))
        JobMark.insert_many([{"label": label} for label in items]).execute()
        return [label.upper() for label in items]

    results = _run_five(write, write_many)
    assert labels() == ["m0", "m1", "m2", "m3", "m4"]
    assert results == ["M0", "M1", "M2", "M3", "M4"]  # in the calls' order
    assert (together_runs, alone_runs) == ([["m0", "m1", "m2", "m3", "m4"]], [])


def test_a_together_call_that_raises_replays_every_call_alone(rt):
    together_runs: list[list[str]] = []
    alone_runs: list[str] = []
    write = _failing_after_writing(alone_runs)

    def write_many(items: list[str]) -> list[str]:
        together_runs.append(list(items))
        JobMark.insert_many([{"label": label} for label in items]).execute()
        raise errors.DuplicateEntryError("one of them is at fault")

    assert _run_five(write, write_many) == ["m0", "m1", "DuplicateEntryError", "m3", "m4"]
    assert labels() == ["m0", "m1", "m3", "m4"]  # the together call's rows went with the rollback
    assert alone_runs == ["m0", "m1", "m2", "m3", "m4"]
    assert together_runs == [["m0", "m1", "m2", "m3", "m4"]]


def test_a_together_call_that_ends_the_transaction_fails_the_batch_with_503s(rt):
    def write(label: str) -> str:
        raise AssertionError("no replay: the transaction is gone")

    def write_many(items: list[str]) -> list[str]:
        JobMark.insert_many([{"label": label} for label in items]).execute()
        db.execute("ROLLBACK")  # as SQLite does by itself after a full disk or an I/O error
        raise RuntimeError("disk I/O error")

    assert _run_five(write, write_many) == ["CommitFailed"] * 5
    assert labels() == []


def test_several_writers_run_batches_side_by_side(rt):
    """On PostgreSQL one batch waiting on the server must not hold up the next one."""
    if db.is_sqlite():
        pytest.skip("SQLite has one writer at a time: one writer thread")
    both_running = threading.Barrier(2, timeout=10)

    def write_many(items: list[str]) -> list[str]:
        JobMark.insert_many([{"label": label} for label in items]).execute()
        both_running.wait()  # returns only once a second batch runs at the same time
        return items

    async def two_batches() -> list:
        batcher = batching.WriteBatcher(writers=2)
        batcher.start()
        try:
            first = asyncio.ensure_future(batcher.run(lambda: None, together=write_many, item="first"))
            while both_running.n_waiting == 0:  # the first batch is inside its transaction
                await asyncio.sleep(0.01)
            second = asyncio.ensure_future(batcher.run(lambda: None, together=write_many, item="second"))
            return await asyncio.gather(first, second)
        finally:
            batcher.stop()

    assert asyncio.run(two_batches()) == ["first", "second"]
    assert labels() == ["first", "second"]


def test_batched_method_over_http(client, rt):
    """Concurrent calls: the failing ones answer 417 and leave nothing; the others' jobs run after commit."""
    def post(i: int) -> int:
        return client.post(MARK, json={"label": f"c{i}", "fail": i % 4 == 0}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(post, range(12)))
    assert statuses == [417 if i % 4 == 0 else 200 for i in range(12)]
    kept = [f"c{i}" for i in range(12) if i % 4]
    work_queue(rt)
    wait_for(lambda: len(labels()) == 2 * len(kept))
    assert labels() == sorted(kept + [f"{label}-job" for label in kept])


def test_a_failed_commit_answers_503_and_drops_the_batchs_jobs(client, rt, monkeypatch):
    if not rt.group_commit:
        pytest.skip("group commit runs on SQLite only; on PostgreSQL batched calls commit on their own")
    @contextlib.contextmanager
    def failing_commit():  # the batch's own transaction (calls open savepoints inside it)
        with db.database.atomic():
            yield
            raise RuntimeError("disk full")  # as if COMMIT had failed: the batch rolls back

    monkeypatch.setattr(db, "_transaction", failing_commit)
    response = client.post(MARK, json={"label": "lost"})
    assert response.status_code == 503
    assert response.json()["error_code"] == "unavailable"
    assert labels() == []
    monkeypatch.undo()
    client.post(MARK, json={"label": "after"})  # the writer goes on; its job runs
    work_queue(rt)
    wait_for(lambda: labels() == ["after", "after-job"])


def test_batched_cannot_be_declared_without_a_transaction():
    from traciqo_rpc.registry import whitelist

    with pytest.raises(TypeError):
        whitelist(batched=True, transaction=False)
    with pytest.raises(TypeError):
        whitelist(batched=True, blocking=False)
    with pytest.raises(TypeError):
        whitelist(many=lambda calls: [])  # many= serves batched methods only


def test_a_stopped_writer_refuses_new_calls():
    batcher = batching.WriteBatcher()
    batcher.start()
    batcher.stop()
    with pytest.raises(batching.CommitFailed):
        asyncio.run(batcher.run(lambda: "never"))
