"""The BOM and build pages over HTTP (/app/boms, /app/builds, /app/builds/<build>): tenancy and
sandbox, filters and pages, bad queries, what a viewer sees, and the forms' posts (lines one
"SKU quantity" a line, a build planned, completed and cancelled) through the methods."""

from __future__ import annotations

import pytest

from tests.support.dashboard import call, form, sign_in_headers
from tests.support.helpers import key_headers


def kit(client, headers, marker: str) -> dict:
    """{marker}-KIT made of two {marker}-BOLT, 5 bolts in {marker}-WH, a planned build of one kit."""
    call(client, headers, "item.api.create_item", sku=f"{marker}-BOLT", name=f"{marker} bolt")
    call(client, headers, "item.api.create_item", sku=f"{marker}-KIT", name=f"{marker} kit")
    call(client, headers, "warehouse.api.create_warehouse", code=f"{marker}-WH", name=f"{marker} store")
    call(client, headers, "stock.api.receive", item=f"{marker}-BOLT", warehouse=f"{marker}-WH", quantity=5, unit_cost=1)
    call(client, headers, "bom.api.create_bom", item=f"{marker}-KIT", lines=[{"item": f"{marker}-BOLT", "quantity": 2}])
    return call(client, headers, "build.api.create_build", item=f"{marker}-KIT", quantity=1, warehouse=f"{marker}-WH")


@pytest.fixture
def owner(client, member):
    member("ann@example.com", "owner")
    return sign_in_headers(client, "ann@example.com")


def test_the_pages_show_this_workspace_and_environment_only(client, member, workspace, make_workspace):
    mine = kit(client, key_headers(workspace), "MINE")
    sandboxed = kit(client, key_headers(workspace, "sandbox"), "SANDY")
    theirs = kit(client, key_headers(make_workspace("other")), "THEIRS")
    member("vic@example.com", "viewer")
    csrf = sign_in_headers(client, "vic@example.com")
    for environment, build, shown, hidden in (("live", mine, "MINE", ("SANDY", "THEIRS")),
                                              ("sandbox", sandboxed, "SANDY", ("MINE", "THEIRS"))):
        form(client, csrf, "session.api.switch", environment=environment)
        for path in ("/app/boms", "/app/builds", f"/app/builds/{build['id']}", f"/app/boms?item={shown}-KIT"):
            text = client.get(path).text
            assert shown in text, f"{environment} {path}"
            assert not [h for h in hidden if h in text], f"{environment} {path}"
    form(client, csrf, "session.api.switch", environment="live")
    for other in (sandboxed["id"], theirs["id"], "nope", "a/b"):
        refused = client.get(f"/app/builds/{other}")
        assert refused.status_code == 404 and "THEIRS" not in refused.text and "SANDY" not in refused.text


def test_a_viewer_sees_no_forms_and_an_owner_does(client, member, owner, workspace):
    build = kit(client, key_headers(workspace), "K")
    page = client.get(f"/app/builds/{build['id']}").text
    assert "complete_build" in page and "cancel_build" in page and "K-BOLT" in page
    assert "create_bom" in client.get("/app/boms").text and "create_build" in client.get("/app/builds").text
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    for path in ("/app/boms", "/app/builds", f"/app/builds/{build['id']}"):
        text = client.get(path).text
        assert not [m for m in ("create_bom", "create_build", "complete_build", "cancel_build") if m in text], path


def test_the_forms_create_a_bom_plan_complete_and_cancel_builds(client, owner, workspace):
    kit(client, key_headers(workspace), "F")
    made = form(client, owner, "bom.api.create_bom", item="F-KIT", lines_text="F-BOLT 1\n", make_default="false",
                note="spare")["message"]
    assert (made["version"], made["is_default"]) == (2, False)
    assert "Make default" in client.get("/app/boms?item=F-KIT").text
    form(client, owner, "bom.api.set_default_bom", bom=made["id"])
    bad = form(client, owner, "bom.api.create_bom", 417, item="F-KIT", lines_text="F-BOLT lots")
    assert "Line 1" in str(bad["field_errors"]["lines_text"])
    planned = form(client, owner, "build.api.create_build", item="F-KIT", quantity="3", warehouse="F-WH",
                   explode="false", with_codes="false")["message"]
    assert [(r["needed"], r["available"]) for r in planned["requirements"]] == [(3, 5)]
    page = client.get(f"/app/builds/{planned['id']}").text
    assert "can be completed" in page and "Planned" in page
    done = form(client, owner, "build.api.complete_build", build=planned["id"])["message"]
    assert done["status"] == "completed"
    page = client.get(f"/app/builds/{planned['id']}").text
    assert "Completed" in page and "complete_build" not in page and "unit cost" in page
    other = form(client, owner, "build.api.create_build", item="F-KIT", quantity="9", warehouse="F-WH")["message"]
    assert "is short" in client.get(f"/app/builds/{other['id']}").text
    form(client, owner, "build.api.cancel_build", build=other["id"], reason="no bolts")
    listed = client.get("/app/builds?status=cancelled").text
    assert other["id"][-8:] in listed and planned["id"][-8:] not in listed


@pytest.mark.parametrize("path", ["/app/builds?status=nope", "/app/builds?offset=-1", "/app/boms?item=a%20b",
                                  "/app/boms?offset=x"])
def test_bad_queries_answer_417_pages(client, owner, path):
    response = client.get(path)
    assert response.status_code == 417 and response.headers["content-type"].startswith("text/html")


def test_an_unknown_item_filter_lists_nothing(client, owner, workspace):
    kit(client, key_headers(workspace), "U")
    assert "No BOMs yet." in client.get("/app/boms?item=NOPE").text
