"""Frappe's own client libraries, unchanged, from the package registries (tests/clients/python.txt
and js/package-lock.json), against a served traciqo-rpc: what works against Frappe works here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.live_server import live_server

JS_DIR = Path(__file__).parent / "js"


@pytest.fixture
def server(app):
    with live_server(app) as url:
        yield url


def test_frappe_python_client(server, workspace):
    from frappeclient import FrappeClient
    from frappeclient.frappeclient import FrappeException

    keys = workspace["live"]
    client = FrappeClient(server, api_key=keys["api_key"], api_secret=keys["api_secret"])  # Basic auth
    assert client.get_api("frappe.auth.get_logged_user") == "default"  # /api/method/<path>/ (its trailing slash)
    created = client.insert({"doctype": "Product", "name": "Kettle", "price": 12.5})  # a form with data=<json>
    assert created["sku"] == "PRD-00001" and created["doctype"] == "Product"
    client.insert({"doctype": "Product", "name": "Bolt", "brand": "Acme"})
    assert client.get_list("Product", fields=["name", "price"], filters={"name": "Kettle"}) == [
        {"name": "Kettle", "price": 12.5}]
    everything = client.get_list("Product")  # its default: fields '"*"'
    assert [row["name"] for row in everything] == ["Kettle", "Bolt"] and everything[0]["sku"] == "PRD-00001"
    page = client.get_list("Product", fields=["name"], limit_start=1, limit_page_length=1, order_by="sku asc")
    assert page == [{"name": "Bolt"}]
    doc = client.get_doc("Product", "Kettle")
    doc["brand"] = "Acme"
    assert client.update(doc)["brand"] == "Acme"  # the whole document sent back: only the change applies
    by_filters = client.get_doc("Product", filters=[["Product", "sku", "in", ["PRD-00001", "PRD-00002"]]],
                                fields=["name", "brand"])
    assert by_filters == [{"name": "Kettle", "brand": "Acme"}, {"name": "Bolt", "brand": "Acme"}]
    # These go to the site's root as ?cmd=... or a posted form with cmd.
    assert client.get_value("Product", "price", {"name": "Kettle"}) == {"price": 12.5}
    assert client.set_value("Product", "Bolt", "warranty_months", 36)["warranty_months"] == 36
    registration = client.insert({"doctype": "Registration", "email": "tom@example.com", "customer_name": "Tom"})
    client.delete("Registration", registration["name"])
    assert client.get_list("Registration") == []
    assert client.post_api("traciqo_rpc.api.whoami")["workspace"] == "acme"  # arguments in the query, no body
    # Our errors carry Frappe's exc, which is what this client raises on.
    with pytest.raises(FrappeException, match="DocumentExists"):
        client.insert({"doctype": "Product", "name": "Kettle"})
    with pytest.raises(FrappeException, match="cannot be filtered"):
        client.get_list("Product", filters={"brand": "Acme"})
    with pytest.raises(FrappeException, match="DocumentNotFound"):
        client.get_doc("Product", "Nope")


@pytest.mark.skipif(shutil.which("node") is None or not (JS_DIR / "node_modules" / "frappe-js-sdk").is_dir(),
                    reason="needs node and `npm ci --prefix tests/clients/js` (make install does it when npm exists)")
def test_frappe_js_sdk(server, workspace):
    keys = workspace["live"]
    env = {**os.environ, "TRACIQO_URL": server, "TRACIQO_TOKEN": f"{keys['api_key']}:{keys['api_secret']}"}
    run = subprocess.run(["node", "drive.js"], cwd=JS_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    ok = {label: outcome.get("ok") for label, outcome in out.items()}
    assert ok["user"] == "default"
    assert ok["create"]["name"] == "Kettle" and ok["create"]["sku"] == "PRD-00001"
    assert out["duplicate"]["error"] == {"httpStatus": 409, "exception": "Product Kettle already exists",
                                         "message": "There was an error while creating the document."}
    assert ok["list_plain"] == [{"name": "Kettle"}, {"name": "Bolt 3/8 in"}]
    assert ok["list"] == [{"name": "Bolt 3/8 in", "sku": "PRD-00002", "price": 0.0},
                          {"name": "Kettle", "sku": "PRD-00001", "price": 12.5}]
    assert ok["list_as_lists"] == [["Bolt 3/8 in"]]
    assert ok["get_slash"]["brand"] == "Acme"  # the name's slash travels as %2F
    assert (ok["count"], ok["count_filtered"]) == (2, 1)
    assert ok["value"] == {"message": {"sku": "PRD-00001"}}
    assert ok["update"]["brand"] == "Acme"
    assert ok["set_value"]["message"]["warranty_months"] == 24
    assert ok["registration"]["customer_name"] == "Tom"
    assert ok["delete"] == {"data": "ok"}
    assert out["missing"]["error"]["httpStatus"] == 404
    assert out["refused"]["error"]["httpStatus"] == 417
    assert ok["call"]["message"]["workspace"] == "acme"
