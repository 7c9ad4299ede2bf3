"""Tracee's own client code from its documentation (seeds/003), unchanged but for the base URL,
against a served traciqo-rpc: its Python TraceeClient (tracee_client.py, over `requests`) and its
JavaScript e-commerce and Firebase flows (js/tracee_flow.js, over Node's fetch)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.clients.tracee_client import TraceeClient
from tests.support.live_server import live_server

JS_DIR = Path(__file__).parent / "js"
PRINTING = ["Preparing/Slicing", "3D Printing", "Post-Processing", "Quality Check", "Packaging", "Ready for Shipping"]


@pytest.fixture
def server(app):
    with live_server(app) as url:
        yield url


@pytest.fixture
def token(workspace) -> str:
    """Tracee's key is one token; ours is `<api_key>:<api_secret>` in that one place."""
    return f"{workspace['live']['api_key']}:{workspace['live']['api_secret']}"


def statuses(tracker: dict) -> dict[str, str]:
    return {step["process"]: step["status"] for step in tracker["history"]}


def test_tracee_python_client(server, token, capsys):
    # The page's "Usage", with our server for its base URL (and get_tracker, which it defines).
    tracee = TraceeClient(api_key=token, base_url=server)

    # Create tracker
    tracker = tracee.create_tracker(
        name="Order #1234 - Blue Vase",
        template="3d-printing"
    )
    print(f"Tracking URL: {tracker['tracking_url']}")

    # Update status
    started = tracee.update_status(tracker["id"], "3D Printing", "start")
    completed = tracee.update_status(tracker["id"], "3D Printing", "complete")
    details = tracee.get_tracker(tracker["id"])

    assert capsys.readouterr().out == f"Tracking URL: {tracker['tracking_url']}\n"
    assert tracker["name"] == "Order #1234 - Blue Vase" and tracker["number"] == 1
    assert started["current_process"] == "3D Printing" and statuses(started)["3D Printing"] == "in_progress"
    assert statuses(completed)["3D Printing"] == "completed"
    assert details["id"] == tracker["id"] and details["is_completed"] is False
    assert list(statuses(details)) == PRINTING
    assert statuses(details) == {step: "completed" if step == "3D Printing" else "pending" for step in PRINTING}


def test_tracee_python_client_raises_on_refusals(server, token):
    tracee = TraceeClient(api_key=token, base_url=server)
    with pytest.raises(requests.HTTPError) as refused:
        tracee.create_tracker(name="Order #1", template="no-such-template")
    assert refused.value.response.status_code == 400
    with pytest.raises(requests.HTTPError) as missing:
        tracee.get_tracker(999)
    assert missing.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as unknown_key:
        TraceeClient(api_key="tq_live_nope:nope", base_url=server).create_tracker(name="Order #1")
    assert unknown_key.value.response.status_code == 401


def _node_major() -> int | None:
    """Node's major version, or None without node."""
    node = shutil.which("node")
    if node is None:
        return None
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    found = re.match(r"v(\d+)\.", version.strip())
    return int(found.group(1)) if found else None


NODE_MAJOR = _node_major()


@pytest.mark.skipif(NODE_MAJOR is None or NODE_MAJOR < 18,
                    reason=f"Tracee's JavaScript runs on Node 18+ (global fetch); node is "
                           f"{'absent' if NODE_MAJOR is None else f'v{NODE_MAJOR}'} (CI installs it: .ci/run)")
def test_tracee_javascript_flows(server, token):
    env = {**os.environ, "TRACEE_BASE_URL": server, "TRACEE_API_KEY": token}
    run = subprocess.run(["node", "tracee_flow.js"], cwd=JS_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)

    # The e-commerce flow: the order stored its tracker, the email carries its page.
    [stored] = out["orderUpdates"]
    tracker_id, tracking_url = stored["fields"]["traceeTrackerId"], stored["fields"]["traceeTrackingUrl"]
    assert stored["id"] == 1234 and isinstance(tracker_id, int) and "/track/" in tracking_url
    assert out["emails"] == [{"to": "ann@example.com", "subject": "Order Confirmed!",
                              "body": f"Track your order: {tracking_url}"}]
    # The Firebase functions: createTracker answered Tracee's shape.
    firebase = out["firebase"]
    assert firebase["name"] == "Order #5678 - Custom Chess Set" and firebase["id"] != tracker_id
    assert firebase["qr_code_url"] and firebase["tracking_url"]

    # Both trackers exist with the steps the flows moved: printing started, "Ready for Shipping"
    # completed while the steps before it stay pending (Tracee's steps move in any order).
    for made, name in ((tracker_id, "Order #1234 - Blue Vase"), (firebase["id"], "Order #5678 - Custom Chess Set")):
        answer = requests.get(f"{server}/api/v1/trackers/{made}/", headers={"X-API-Key": token}, timeout=10)
        assert answer.status_code == 200, answer.text
        tracker = answer.json()
        assert tracker["name"] == name and tracker["is_completed"] is False
        assert statuses(tracker) == {
            "Preparing/Slicing": "pending", "3D Printing": "in_progress", "Post-Processing": "pending",
            "Quality Check": "pending", "Packaging": "pending", "Ready for Shipping": "completed"}
        assert tracker["current_process"] == "3D Printing"
