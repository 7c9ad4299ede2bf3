"""The verification page over HTTP (the browser test drives it in Chromium)."""

from __future__ import annotations

import pytest

from doctypes.scan.model import Scan
from tests.support.helpers import issue_code, key_headers


@pytest.fixture
def shown(client, workspace):
    return issue_code(client, key_headers(workspace), batch="P", name="Chess Set", gtin="4006381333931")


def test_page_records_a_scan_and_shows_the_verdict(client, shown):
    response = client.get(f"/v/{shown}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Genuine product" in response.text and "Chess Set" in response.text
    assert "nonce-" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    scan = Scan.get()
    assert scan.source == "page" and scan.verdict == "genuine"


def test_page_accepts_typed_forms_of_the_code(client, shown):
    assert "Genuine" in client.get(f"/v/{shown.lower()}").text


def test_unknown_code_page_is_404_and_says_little(client, shown):
    response = client.get("/v/ACME-0000-0000-0000-0000")
    assert response.status_code == 404
    assert "Not genuine" in response.text and "Chess Set" not in response.text


def test_digital_link_route(client, shown):
    code = shown.replace("-", "")
    assert client.get(f"/01/04006381333931/21/{code}").status_code == 200
    assert client.get(f"/01/4006381333931/21/{code}").status_code == 200  # GTIN-13 is padded
    assert client.get(f"/01/00000000000017/21/{code}").status_code == 404  # another valid GTIN
    assert client.get(f"/01/12345/21/{code}").status_code == 404
    # Only the two scans under the product's own GTIN were recorded and counted.
    assert Scan.select().count() == 2
    assert "has been verified 3 times" in client.get(f"/v/{code}").text  # this visit is the third


def test_page_scans_join_the_writers_batch_with_api_scans(client, shown, monkeypatch):
    import threading

    from doctypes.scan import service

    seen = []
    rounds = service._rounds

    def spy(wanted):
        seen.append(([(entry[2].source, entry[2].gtin) for entry in wanted],
                     threading.current_thread().name.startswith("traciqo-writer")))
        return rounds(wanted)

    monkeypatch.setattr(service, "_rounds", spy)
    code = shown.replace("-", "")
    assert client.get(f"/01/04006381333931/21/{code}").status_code == 200
    assert client.get(f"/api/method/doctypes.auth_code.api.verify_code?code={code}").status_code == 200
    # Each went through verify_many on a writer thread, the page's with its GTIN.
    assert seen == [([("page", "04006381333931")], True), ([("api", None)], True)]
    assert [s.source for s in Scan.select().order_by(Scan.id)] == ["page", "api"]


def test_page_says_try_again_when_the_scan_cannot_be_saved(client, shown, monkeypatch):
    from traciqo_rpc.batching import CommitFailed

    async def fail(*args, **kwargs):
        raise CommitFailed("disk full")

    monkeypatch.setattr(client.app.state.runtime.batcher, "run", fail)
    response = client.get(f"/v/{shown}")
    assert response.status_code == 503 and "try again" in response.text.lower()
    assert Scan.select().count() == 0
