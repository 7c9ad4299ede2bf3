"""BOMs over HTTP: versions and the default, lines as a list or as text, locked once a build
used them, multi-level explosion, cycles and depth refused, bad inputs, tenancy and sandbox."""

from __future__ import annotations

import pytest

from doctypes.bom.explosion import MAX_LEVELS
from doctypes.bom.model import Bom, BomLine
from tests.support.helpers import key_headers

API = "/api/method/doctypes."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def call(client, headers):
    def send(method: str, expect: int = 200, as_headers: dict | None = None, **body):
        reading = method.endswith(("get_bom", "list_boms", "explode_bom"))
        response = (client.get(API + method, params=body, headers=as_headers or headers) if reading
                    else client.post(API + method, json=body, headers=as_headers or headers))
        assert response.status_code == expect, response.text
        return response.json().get("message", response.json())
    return send


@pytest.fixture
def parts(call):
    """BIKE (serial) from FRAME, WHEEL x2, CABLE 0.25 m; WHEEL from RIM, SPOKE x32; BOLT, a plain part."""
    for sku, tracking, unit in (("BIKE", "serial", "pcs"), ("FRAME", "none", "pcs"), ("WHEEL", "none", "pcs"),
                                ("CABLE", "none", "m"), ("RIM", "none", "pcs"), ("SPOKE", "none", "pcs"),
                                ("BOLT", "none", "pcs"), ("LAMP", "serial", "pcs")):
        call("item.api.create_item", sku=sku, name=sku.title(), tracking=tracking, unit=unit)
    call("bom.api.create_bom", item="WHEEL", lines=[{"item": "RIM", "quantity": 1}, {"item": "SPOKE", "quantity": 32}])
    return call


def test_create_a_bom_and_read_it(parts):
    bom = parts("bom.api.create_bom", item="bike", note="first", lines=[
        {"item": "FRAME", "quantity": 1}, {"item": "wheel", "quantity": 2}, {"item": "CABLE", "quantity": "0.25",
                                                                             "note": "brake"}])
    assert (bom["item"], bom["version"], bom["is_default"], bom["locked"], bom["note"]) == ("BIKE", 1, True, False, "first")
    assert [(line["item"], line["quantity"], line["has_bom"], line["note"]) for line in bom["lines"]] == [
        ("FRAME", 1, False, ""), ("WHEEL", 2, True, ""), ("CABLE", 0.25, False, "brake")]
    assert parts("bom.api.get_bom", bom=bom["id"]) == bom
    page = parts("bom.api.list_boms")
    assert page["total"] == 2 and [b["item"] for b in page["data"]] == ["BIKE", "WHEEL"]
    assert parts("bom.api.list_boms", item="WHEEL")["total"] == 1


def test_versions_and_the_default(parts):
    first = parts("bom.api.create_bom", item="BIKE", lines=[{"item": "FRAME", "quantity": 1}])
    second = parts("bom.api.create_bom", item="BIKE", lines=[{"item": "FRAME", "quantity": 1}, {"item": "BOLT", "quantity": 4}])
    third = parts("bom.api.create_bom", item="BIKE", make_default=False, lines=[{"item": "BOLT", "quantity": 2}])
    assert [(b["version"], b["is_default"]) for b in parts("bom.api.list_boms", item="BIKE")["data"]] == [
        (3, False), (2, True), (1, False)]
    assert parts("bom.api.get_bom", bom=first["id"])["lines"][0]["item"] == "FRAME"  # older versions stay readable
    assert parts("bom.api.explode_bom", item="BIKE")["bom"] == second["id"]
    parts("bom.api.set_default_bom", bom=third["id"])
    assert parts("bom.api.list_boms", item="BIKE", default_only=True)["data"][0]["id"] == third["id"]
    assert parts("bom.api.explode_bom", item="BIKE")["version"] == 3


def test_lines_as_text_as_a_form_sends_them(parts, client, headers):
    response = client.post(API + "bom.api.create_bom", headers=headers,
                           data={"item": "BIKE", "lines_text": "FRAME 1\n\n wheel 2 front and back\nCABLE 0.25"})
    assert response.status_code == 200, response.text
    lines = response.json()["message"]["lines"]
    assert [(line["item"], line["quantity"], line["note"]) for line in lines] == [
        ("FRAME", 1, ""), ("WHEEL", 2, "front and back"), ("CABLE", 0.25, "")]
    for text, complaint in (("FRAME", "Line 1"), ("FRAME 1\nWHEEL x", "Line 2"), ("", "1 to 200")):
        refused = client.post(API + "bom.api.create_bom", headers=headers, data={"item": "BIKE", "lines_text": text})
        assert refused.status_code == 417 and complaint in str(refused.json()["field_errors"]["lines_text"])


def test_multi_level_explosion(parts):
    parts("bom.api.create_bom", item="BIKE", lines=[{"item": "FRAME", "quantity": 1}, {"item": "WHEEL", "quantity": 2},
                                                    {"item": "CABLE", "quantity": "0.25"}])
    exploded = parts("bom.api.explode_bom", item="BIKE", quantity=3)
    assert (exploded["levels"], exploded["quantity"]) == (2, 3)
    assert [(row["level"], row["parent"], row["item"], row["quantity"]) for row in exploded["tree"]] == [
        (1, None, "FRAME", 3), (1, None, "WHEEL", 6), (2, 1, "RIM", 6), (2, 1, "SPOKE", 192), (1, None, "CABLE", 0.75)]
    assert exploded["tree"][1]["bom"] and exploded["tree"][1]["version"] == 1
    assert [(r["item"], r["quantity"]) for r in exploded["direct"]] == [("FRAME", 3), ("WHEEL", 6), ("CABLE", 0.75)]
    assert [(r["item"], r["quantity"]) for r in exploded["leaves"]] == [
        ("FRAME", 3), ("RIM", 6), ("SPOKE", 192), ("CABLE", 0.75)]
    assert [level["level"] for level in exploded["per_level"]] == [1, 2]
    by_bom = parts("bom.api.explode_bom", bom=exploded["bom"], quantity="0.001")
    assert by_bom["tree"][-1]["quantity"] == 0.001  # 0.25 m x 0.001, rounded up to a thousandth


def test_cycles_are_refused_at_any_depth(parts):
    itself = parts("bom.api.create_bom", 417, item="BOLT", lines=[{"item": "BOLT", "quantity": 1}])
    assert "BOLT > BOLT" in itself["exception"]
    parts("bom.api.create_bom", item="RIM", lines=[{"item": "BOLT", "quantity": 8}])
    deep = parts("bom.api.create_bom", 417, item="BOLT", lines=[{"item": "WHEEL", "quantity": 1}])
    assert "BOLT > WHEEL > RIM > BOLT" in deep["exception"] and deep["field_errors"]["lines"]
    spare = parts("bom.api.create_bom", item="BOLT", make_default=False, lines=[{"item": "SPOKE", "quantity": 1}])
    assert spare["is_default"]  # the item's first BOM is its default
    other = parts("bom.api.create_bom", item="SPOKE", lines=[{"item": "CABLE", "quantity": 1}])
    looping = parts("bom.api.create_bom", item="CABLE", make_default=False, lines=[{"item": "FRAME", "quantity": 1}])
    parts("bom.api.update_bom", 417, bom=looping["id"], lines=[{"item": "WHEEL", "quantity": 1}])
    assert other["is_default"] and Bom.select().count() == 5


def test_a_bom_deeper_than_the_limit_is_refused(parts):
    skus = [f"L{level}" for level in range(MAX_LEVELS + 2)]
    for sku in skus:
        parts("item.api.create_item", sku=sku, name=sku)
    for upper, lower in zip(reversed(skus[:-1]), reversed(skus[1:]), strict=True):
        if upper == skus[0]:
            refused = parts("bom.api.create_bom", 417, item=upper, lines=[{"item": lower, "quantity": 1}])
            assert f"more than {MAX_LEVELS} levels" in refused["exception"]
        else:
            parts("bom.api.create_bom", item=upper, lines=[{"item": lower, "quantity": 1}])


def test_a_used_bom_is_locked_and_a_change_is_a_new_version(parts):
    bom = parts("bom.api.create_bom", item="BIKE", lines=[{"item": "FRAME", "quantity": 1}])
    changed = parts("bom.api.update_bom", bom=bom["id"], note="v1b", lines_text="FRAME 1\nBOLT 2")
    assert [line["item"] for line in changed["lines"]] == ["FRAME", "BOLT"] and changed["note"] == "v1b"
    parts("warehouse.api.create_warehouse", code="WH1", name="Main")
    parts("build.api.create_build", item="BIKE", quantity=1, warehouse="WH1", serial_prefix="B-")
    assert parts("bom.api.get_bom", bom=bom["id"])["locked"]
    refused = parts("bom.api.update_bom", 417, bom=bom["id"], note="again")
    assert "new version" in refused["exception"]
    assert parts("bom.api.create_bom", item="BIKE", lines=[{"item": "FRAME", "quantity": 1}])["version"] == 2


@pytest.mark.parametrize("bad", [
    {"lines": []}, {"lines": [{"item": "FRAME"}]}, {"lines": [{"item": "FRAME", "quantity": 0}]},
    {"lines": [{"item": "FRAME", "quantity": "0.0001"}]}, {"lines": [{"item": "FRAME", "quantity": 10**13}]},
    {"lines": [{"item": "FRAME", "quantity": 1}] * 201}, {"lines": "FRAME 1"}, {"item": ""}, {"item": "x" * 65},
    {"note": "n" * 256}, {"lines_text": "FRAME 1"}, {"make_default": "perhaps"},
])
def test_bad_boms_answer_417_naming_the_field(parts, bad):
    body = {"item": "BIKE", "lines": [{"item": "FRAME", "quantity": 1}], **bad}
    refused = parts("bom.api.create_bom", 417, **body)
    assert set(refused["field_errors"]) & {*bad, "lines"}
    assert Bom.select().count() == 1


def test_unknown_repeated_and_fractional_serial_components(parts):
    missing = parts("bom.api.create_bom", 404, item="BIKE", lines=[{"item": "NOPE", "quantity": 1},
                                                                    {"item": "FRAME", "quantity": 1}])
    assert "NOPE" in str(missing["field_errors"]["lines"])
    parts("bom.api.create_bom", 404, item="NOPE", lines=[{"item": "FRAME", "quantity": 1}])
    parts("bom.api.create_bom", 417, item="BIKE", lines=[{"item": "FRAME", "quantity": 1}, {"item": "frame", "quantity": 1}])
    half = parts("bom.api.create_bom", 417, item="BIKE", lines=[{"item": "LAMP", "quantity": "0.5"}])
    assert "whole units" in half["exception"]
    parts("bom.api.get_bom", 404, bom="nope")
    parts("bom.api.explode_bom", 404, item="FRAME")  # no BOM
    parts("bom.api.explode_bom", 417, item="WHEEL", bom="x")  # one or the other
    parts("bom.api.explode_bom", 417, item="WHEEL", quantity=10**12 - 1)  # 32 spokes each: past a level
    assert BomLine.select().count() == 2


def test_other_workspaces_and_the_sandbox_see_nothing(parts, make_workspace, workspace):
    bom = parts("bom.api.create_bom", item="BIKE", lines=[{"item": "FRAME", "quantity": 1}])
    for other in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        parts("bom.api.get_bom", 404, as_headers=other, bom=bom["id"])
        parts("bom.api.explode_bom", 404, as_headers=other, bom=bom["id"])
        parts("bom.api.explode_bom", 404, as_headers=other, item="BIKE")
        parts("bom.api.set_default_bom", 404, as_headers=other, bom=bom["id"])
        parts("bom.api.update_bom", 404, as_headers=other, bom=bom["id"], note="x")
        assert parts("bom.api.list_boms", as_headers=other)["total"] == 0
        parts("bom.api.create_bom", 404, as_headers=other, item="BIKE", lines=[{"item": "FRAME", "quantity": 1}])
    sandbox = key_headers(workspace, "sandbox")
    parts("item.api.create_item", as_headers=sandbox, sku="BIKE", name="Sandbox bike")
    parts("item.api.create_item", as_headers=sandbox, sku="FRAME", name="Sandbox frame")
    mine = parts("bom.api.create_bom", as_headers=sandbox, item="BIKE", lines=[{"item": "FRAME", "quantity": 2}])
    assert mine["version"] == 1 and parts("bom.api.list_boms", as_headers=sandbox)["total"] == 1
    assert parts("bom.api.list_boms")["total"] == 2  # live: WHEEL's and BIKE's


def test_a_read_only_key_reads_but_does_not_write(parts, client, workspace):
    made = client.post(API + "api_key.api.create_api_key", json={"name": "reader", "scopes": ["read"]},
                       headers=key_headers(workspace)).json()["message"]
    reader = {"X-Traciqo-API-Key": made["api_key"], "X-Traciqo-API-Secret": made["api_secret"]}
    parts("bom.api.create_bom", 403, as_headers=reader, item="BIKE", lines=[{"item": "FRAME", "quantity": 1}])
    assert parts("bom.api.list_boms", as_headers=reader)["total"] == 1
