"""list_registrations: newest first, by form and customer email, a page at a time, per workspace
and environment, and read from an index in its order."""

from __future__ import annotations

import re
import time

import pytest

from doctypes.registration import service
from tests.support.helpers import key_headers
from traciqo_rpc.records import paginate

API = "/api/method/doctypes.registration.api."


@pytest.fixture
def headers(client, workspace):
    headers = key_headers(workspace)
    client.post(API + "create_registration_form", headers=headers,
                json={"slug": "bike", "title": "Bike", "fields": [{"name": "gears", "type": "number"}]})
    return headers


def register(client, headers, *entries):
    response = client.post(API + "add_registrations", json={"registrations": list(entries)}, headers=headers)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["message"]["registrations"]]


def listed(client, headers, **params):
    response = client.get(API + "list_registrations", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["message"]


def test_newest_first_filters_and_pages(client, headers):
    first = register(client, headers, {"email": "ann@example.com", "name": "Ann"})
    time.sleep(0.002)  # ids are time-first, to the millisecond
    second = register(client, headers, {"email": "Bob@Example.com", "name": "Bob", "type": "bike", "gears": 21})
    time.sleep(0.002)
    third = register(client, headers, {"email": "ann@example.com", "name": "Ann", "type": "bike"})
    everything = listed(client, headers)
    assert [r["id"] for r in everything["data"]] == third + second + first and everything["total"] == 3
    assert [r["id"] for r in listed(client, headers, form_slug="bike")["data"]] == third + second
    assert [r["id"] for r in listed(client, headers, email="ANN@example.com")["data"]] == third + first
    assert [r["id"] for r in listed(client, headers, email="ann@example.com", form_slug="bike")["data"]] == third
    page = listed(client, headers, limit=1, offset=1)
    assert [r["id"] for r in page["data"]] == second and page["total"] == 3 and page["limit"] == 1
    assert page["data"][0]["fields"] == {"gears": 21} and page["data"][0]["type"] == "bike"


@pytest.mark.parametrize("params,field", [
    ({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"offset": -1}, "offset"), ({"email": "nope"}, "email"),
    ({"form_slug": "Not A Slug"}, "form_slug"), ({"form_slug": ""}, "form_slug"),
])
def test_bad_arguments(client, headers, params, field):
    response = client.get(API + "list_registrations", params=params, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"]


def test_tenancy_and_sandbox(client, headers, workspace, make_workspace):
    register(client, headers, {"email": "ann@example.com", "name": "Ann"})
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert listed(client, other) == {"data": [], "total": 0, "limit": 100, "offset": 0}
        assert listed(client, other, email="ann@example.com")["data"] == []


@pytest.mark.parametrize("params", [{}, {"form_slug": "bike"}, {"email": "ann@example.com"}])
def test_each_filter_reads_an_index_in_its_order(client, headers, monkeypatch, params):
    """The first page never sorts the workspace's registrations: with millions it would be slow."""
    from traciqo_rpc import db

    if not db.is_sqlite():
        pytest.skip("query plans are SQLite's")
    queries = []

    def recording(query, *args, **kwargs):
        queries.append(query.limit(50).sql())
        return paginate(query, *args, **kwargs)

    monkeypatch.setattr(service, "paginate", recording)
    listed(client, headers, **params)
    sql, values = queries[0]
    steps = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, values).fetchall()]
    assert any(re.match(r"SEARCH \w+ USING (COVERING )?INDEX registration_workspace_id_is_sandbox_", step) for step in steps), steps
    assert not [step for step in steps if step.startswith("SCAN") or "TEMP B-TREE" in step], steps
