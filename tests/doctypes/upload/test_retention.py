"""Uploads nothing refers to go once their keeping time is over, row first, then file; a
receipt or a logo keeps its upload for good; each workspace and environment by its own refs."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from doctypes.upload import retention
from doctypes.upload.jobs import prune_uploads
from doctypes.upload.model import Upload
from doctypes.upload.storage import LocalStorage
from tests.doctypes.upload.test_upload import PNG, path_of, signed
from tests.support.helpers import context, key_headers
from traciqo_rpc.registry import job_runs_in_transaction

HOURS = 24
REGISTER = "/api/method/doctypes.registration.api.add_registrations"


@pytest.fixture
def app(make_app):
    """No scheduled jobs: the embedded worker would run this module's pruning on its own, racing the test."""
    return make_app(scheduled_jobs={})


def upload(client, headers, name="receipt.png") -> str:
    """Upload a file; answers its URL."""
    grant = signed(client, headers, file_name=name)
    put = client.put(path_of(grant["signedRequest"]), content=PNG, headers={"Content-Type": "image/png"})
    assert put.status_code == 200, put.text
    return grant["url"]


def key_of(url: str) -> str:
    return url.split("/files/")[1].split("/")[0]


def age(hours: float, *urls: str) -> None:
    """Make the uploads behind these URLs (all of them if none) `hours` old."""
    query = Upload.select() if not urls else Upload.select().where(Upload.key.in_([key_of(u) for u in urls]))
    for row in query:
        Upload.update(created_at=row.created_at - dt.timedelta(hours=hours)).where(Upload.id == row.id).execute()


def register(client, headers, **entry) -> dict:
    response = client.post(REGISTER, headers=headers, json={"registrations": [{"email": "a@example.com", "name": "A",
                                                                               **entry}]})
    assert response.status_code == 200, response.text
    return response.json()["message"]["registrations"][0]


def prune(rt, hours: int = HOURS, **limits) -> int:
    ctx = context(rt)
    return rt.run_in_transaction(ctx, lambda: retention.prune(ctx, hours, pause=0, **limits), transaction=False)


def served(client, url: str) -> int:
    return client.get(path_of(url)).status_code


def file_of(rt, url: str):
    return LocalStorage(rt.settings.data_dir / "uploads")._path(key_of(url))


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def test_an_upload_nothing_refers_to_goes_row_and_file(rt, client, headers):
    url = upload(client, headers)
    assert prune(rt) == 0 and served(client, url) == 200  # young: not judged yet
    age(HOURS + 1)
    assert file_of(rt, url).exists()
    assert prune(rt) == 1
    assert Upload.select().count() == 0 and not file_of(rt, url).exists() and served(client, url) == 404


def test_a_receipt_or_a_logo_keeps_its_upload_for_good(rt, client, headers):
    receipt, later_receipt, logo, unused = (upload(client, headers, f"{n}.png") for n in ("r", "l", "logo", "u"))
    register(client, headers, receipt_url=receipt)
    made = register(client, headers)  # its receipt comes with a change
    update = client.post("/api/method/doctypes.registration.api.update_registration", headers=headers,
                         json={"registration_id": made["id"], "receipt_url": later_receipt})
    assert update.status_code == 200, update.text
    branding = client.post("/api/method/doctypes.branding.api.update_branding", headers=headers,
                           json={"logo_url": logo})
    assert branding.status_code == 200, branding.text
    age(HOURS + 1)
    assert prune(rt) == 1
    assert [served(client, url) for url in (receipt, later_receipt, logo, unused)] == [200, 200, 200, 404]
    kept = Upload.select(Upload.attached).tuples()
    assert sorted(kept) == [(True,), (True,), (True,)]
    client.post("/api/method/doctypes.branding.api.update_branding", headers=headers, json={"logo_url": None})
    assert prune(rt) == 0 and served(client, logo) == 200  # judged once: a logo taken down stays


def test_zero_hours_keeps_every_upload(rt, client, headers):
    url = upload(client, headers)
    age(10_000)
    assert prune(rt, hours=0) == 0 and served(client, url) == 200


def test_each_workspace_and_environment_is_judged_by_its_own_references(rt, client, workspace, make_workspace):
    other = make_workspace("other")
    scopes = [key_headers(workspace), key_headers(workspace, "sandbox"), key_headers(other)]
    kept, went = [], []
    for headers in scopes:
        receipt, unused = upload(client, headers, "r.png"), upload(client, headers, "u.png")
        register(client, headers, receipt_url=receipt)
        kept.append(receipt)
        went.append(unused)
    # Another workspace's registration naming an upload does not keep it: it is not theirs.
    stranger = upload(client, key_headers(other), "s.png")
    register(client, key_headers(workspace), receipt_url=stranger)
    went.append(stranger)
    young = upload(client, key_headers(workspace), "young.png")
    age(HOURS + 1, *kept, *went)
    assert prune(rt) == len(went)
    assert [served(client, url) for url in kept + [young]] == [200] * (len(kept) + 1)
    assert [served(client, url) for url in went] == [404] * len(went)


def test_the_file_goes_only_once_its_row_is_gone(rt, client, headers, monkeypatch):
    url = upload(client, headers)
    age(HOURS + 1)
    rows_when_deleted = []
    real_delete = LocalStorage.delete

    def delete(self, key):
        def committed_rows() -> int:
            try:
                return Upload.select().where(Upload.key == key).count()
            finally:
                Upload._meta.database.close()

        with ThreadPoolExecutor(1) as other:  # another connection: it sees only what has committed
            rows_when_deleted.append(other.submit(committed_rows).result())
        real_delete(self, key)

    monkeypatch.setattr(LocalStorage, "delete", delete)
    assert prune(rt) == 1
    assert rows_when_deleted == [0] and not file_of(rt, url).exists()


def test_a_failed_batch_keeps_rows_and_files(rt, client, headers, monkeypatch):
    url = upload(client, headers)
    age(HOURS + 1)

    def refuse(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(retention, "referred_keys", refuse)
    with pytest.raises(RuntimeError):
        prune(rt)
    assert Upload.select().count() == 1 and served(client, url) == 200


def test_a_file_missing_under_its_row_is_404(rt, client, headers):
    url = upload(client, headers)
    file_of(rt, url).unlink()
    assert served(client, url) == 404


def test_a_run_judges_bounded_batches(rt, client, headers):
    urls = [upload(client, headers, f"{n}.png") for n in range(5)]
    age(HOURS + 1)
    assert prune(rt, batch_rows=2, max_batches=1) == 2
    assert prune(rt, batch_rows=2, max_batches=5) == 3
    assert [served(client, url) for url in urls] == [404] * 5


def test_the_scheduled_job_reads_its_keeping_time_from_the_settings(make_app, settings, make_workspace):
    from starlette.testclient import TestClient

    app = make_app(settings.with_changes(retain_unattached_uploads_hours=2), scheduled_jobs={})
    rt = app.state.runtime
    with TestClient(app) as client:
        headers = key_headers(make_workspace("acme"))
        url, older = upload(client, headers), upload(client, headers, "older.png")
        age(1.5, url)
        age(2.5, older)
        ctx = context(rt)
        assert rt.run_in_transaction(ctx, lambda: prune_uploads(ctx), transaction=job_runs_in_transaction(prune_uploads)) == 1
        assert (served(client, url), served(client, older)) == (200, 404)
