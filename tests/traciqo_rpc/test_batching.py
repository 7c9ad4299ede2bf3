"""Group commit: batched calls share one transaction, fail alone, and act only after the commit.

The writer is tested on every backend, and batched methods go to it on every backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.helpers import wait_for, work_queue
from tests.support.methods import JobMark
from traciqo_rpc import RequestContext, batching, db, errors

MARK = "/api/method/tests.support.methods.mark_batched"


def labels() -> list[str]:
    return sorted(m.label for m in JobMark.select())


def _run(rt, batch_for, labels_=("m0", "m1", "m2", "m3", "m4"), item=lambda ctx, label: label) -> list:
    """One call per label, all queued before the writer starts (one batch); `batch_for(label)`
    is the batch function its call names, `item(ctx, label)` its item."""
    async def calls() -> list:
        batcher = batching.WriteBatcher()
        futures = []
        for label in labels_:
            ctx = RequestContext(services=rt.services)
            futures.append(asyncio.ensure_future(batcher.run(ctx, batch_for(label), item(ctx, label))))
        await asyncio.sleep(0)  # all are queued before the writer starts
        batcher.start()
        try:
            return await asyncio.gather(*futures, return_exceptions=True)
        finally:
            batcher.stop()

    return [r if isinstance(r, str) else type(r).__name__ for r in asyncio.run(calls())]


def every(batch):
    return lambda label: batch


def write_each(runs: list[list[str]], fail: str | None = None, refuse: str | None = None):
    """A batch function that writes a row per label and records each run; `refuse` is refused
    in its place before anything is written, `fail` raises after writing."""
    def batch(items: list[str]) -> list:
        runs.append(list(items))
        results: list = []
        for label in items:
            if label == refuse:
                results.append(errors.DoesNotExistError("checked before any write"))
                continue
            JobMark.create(label=label)
            if label == fail:
                raise errors.DuplicateEntryError("found out after writing")
            results.append(label.upper())
        return results

    return batch


def test_a_batch_function_runs_once_for_the_batch(rt, monkeypatch):
    sizes = []
    run_batch = batching.WriteBatcher._run_batch
    monkeypatch.setattr(batching.WriteBatcher, "_run_batch", lambda self, batch: (sizes.append(len(batch)),
                                                                                   run_batch(self, batch)))
    runs: list[list[str]] = []
    assert _run(rt, every(write_each(runs))) == ["M0", "M1", "M2", "M3", "M4"]  # in the calls' order
    assert sizes == [5] and runs == [["m0", "m1", "m2", "m3", "m4"]]
    assert labels() == ["m0", "m1", "m2", "m3", "m4"]


def test_an_item_refused_before_writing_fails_alone_and_nothing_runs_twice(rt):
    runs: list[list[str]] = []
    assert _run(rt, every(write_each(runs, refuse="m2"))) == ["M0", "M1", "DoesNotExistError", "M3", "M4"]
    assert runs == [["m0", "m1", "m2", "m3", "m4"]]
    assert labels() == ["m0", "m1", "m3", "m4"]


def test_a_batch_that_raises_runs_again_item_by_item_and_only_the_faulty_one_fails(rt):
    runs: list[list[str]] = []
    assert _run(rt, every(write_each(runs, fail="m2"))) == ["M0", "M1", "DuplicateEntryError", "M3", "M4"]
    assert labels() == ["m0", "m1", "m3", "m4"]  # the first run's rows went with its rollback
    assert runs == [["m0", "m1", "m2", "m3", "m4"], ["m0"], ["m1"], ["m2"], ["m3"], ["m4"]]


def test_only_the_faulty_items_after_commit_work_is_dropped(rt):
    """A replayed item that fails in its savepoint loses its after-commit actions; the others
    keep theirs, and all of them wait for the batch's commit."""
    done: list[str] = []

    def batch(items: list[tuple[RequestContext, str]]) -> list[str]:
        for ctx, label in items:
            ctx.on_commit(lambda label=label: done.append(label))
            if label == "m2":
                raise errors.DuplicateEntryError("m2 is at fault")
        assert done == []  # nothing runs before the commit
        return [label for _, label in items]

    results = _run(rt, every(batch), item=lambda ctx, label: (ctx, label))
    assert results == ["m0", "m1", "DuplicateEntryError", "m3", "m4"]
    assert done == ["m0", "m1", "m3", "m4"]


def test_different_batch_functions_share_the_transaction_but_not_the_call(rt):
    scans: list[list[str]] = []
    activations: list[list[str]] = []
    first, second = write_each(scans), write_each(activations)

    assert _run(rt, lambda label: first if label in ("m0", "m2") else second) == ["M0", "M1", "M2", "M3", "M4"]
    assert (scans, activations) == ([["m0", "m2"]], [["m1", "m3", "m4"]])


def test_an_item_that_ends_the_transaction_stops_the_batch(rt):
    """A failure that takes the transaction along (SQLite rolls back by itself after a full
    disk or an I/O error): nobody is told of a success that is gone, and the items after it
    never run on their own."""
    runs: list[list[str]] = []

    def batch(items: list[str]) -> list[str]:
        runs.append(list(items))
        for label in items:
            JobMark.create(label=label)
            if label == "m2":
                db.execute("ROLLBACK")
                raise RuntimeError("disk I/O error")
        return items

    assert _run(rt, every(batch)) == ["CommitFailed"] * 5
    assert labels() == []
    assert runs == [["m0", "m1", "m2", "m3", "m4"]]


def test_an_item_that_ends_the_transaction_in_the_replay_stops_it_too(rt):
    runs: list[list[str]] = []

    def batch(items: list[str]) -> list[str]:
        runs.append(list(items))
        for label in items:
            JobMark.create(label=label)
        if len(items) > 1:
            raise errors.DuplicateEntryError("someone is at fault")
        if items == ["m2"]:
            db.execute("ROLLBACK")
            raise RuntimeError("disk I/O error")
        return items

    results = _run(rt, every(batch))
    # The failing item answers with its own error, or its savepoint's failed rollback's.
    assert results[:2] == results[3:] == ["CommitFailed", "CommitFailed"]
    assert results[2] in ("RuntimeError", "InternalError", "OperationalError")
    assert labels() == []
    assert runs == [["m0", "m1", "m2", "m3", "m4"], ["m0"], ["m1"], ["m2"]]


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
            first = asyncio.ensure_future(batcher.run(RequestContext(services=rt.services), write_many, "first"))
            while both_running.n_waiting == 0:  # the first batch is inside its transaction
                await asyncio.sleep(0.01)
            second = asyncio.ensure_future(batcher.run(RequestContext(services=rt.services), write_many, "second"))
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


def test_a_batched_method_needs_a_transaction():
    from traciqo_rpc.registry import whitelist

    with pytest.raises(TypeError):
        whitelist(batch=lambda items: items, transaction=False)
    with pytest.raises(TypeError):
        whitelist(batch=lambda items: items, blocking=False)


def test_a_stopped_writer_refuses_new_calls(rt):
    batcher = batching.WriteBatcher()
    batcher.start()
    batcher.stop()
    with pytest.raises(batching.CommitFailed):
        asyncio.run(batcher.run(RequestContext(services=rt.services), lambda items: items, "never"))
