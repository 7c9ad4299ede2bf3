"""The dashboard's pages as data for the tests that visit every one: the routes (read from
hooks.page_routes, so a page added later is visited too), a workspace's data of every kind for
them to show, and the people who sign in."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest

import hooks
from doctypes.dashboard import shell
from doctypes.user.cli import create_or_add
from tests.support import helpers

PASSWORD = "correct horse battery"
API = "/api/method/doctypes."
PLACEHOLDER = re.compile(r"{(\w+)(?::\w+)?}")


def app_routes() -> list[str]:
    """Every signed-in page route (/app and under), placeholders and all."""
    return sorted(route for route in hooks.page_routes if route == "/app" or route.startswith("/app/"))


def query_names(route: str) -> set[str]:
    """The query string's names the route's page module reads, and those the shell's helpers read
    for it (offset, sort, format)."""
    modules = [importlib.import_module(hooks.page_routes[route].rpartition(".")[0]), shell]
    return {name for module in modules
            for name in re.findall(r"query(?:\.get\(|\[)['\"](\w+)['\"]", inspect.getsource(module))}


def fill(route: str, values: dict[str, Any]) -> str:
    """The route with its placeholders filled from `values`; fails the test when one cannot be,
    so that a new page with a new placeholder is not skipped without a word."""
    missing = [name for name in PLACEHOLDER.findall(route) if name not in values]
    if missing:
        pytest.fail(f"{route}: no value for {', '.join('{' + name + '}' for name in missing)}; "
                    "seed one in tests/support/dashboard.py (seed) so that the page is checked")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), route)


def add_person(rt: Any, email: str, role: str, workspace: str = "acme") -> None:
    helpers.call(rt, lambda ctx: create_or_add(ctx, email, workspace, role, PASSWORD))


def sign_in(client: Any, email: str, password: str = PASSWORD) -> str:
    """Sign in over HTTP (the client keeps the session's cookie); answers the CSRF token."""
    response = client.post("/api/method/login", json={"usr": email, "pwd": password})
    assert response.status_code == 200, response.text
    return response.json()["csrf_token"]


def sign_in_headers(client: Any, email: str, password: str = PASSWORD) -> dict[str, str]:
    """sign_in, its CSRF token as the header a signed-in call sends."""
    return {"X-Frappe-CSRF-Token": sign_in(client, email, password)}


def sign_in_page(page: Any, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form the browser `page` shows."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def post(http: Any, method: str, headers: dict[str, str] | None = None, **body: Any) -> Any:
    """Call a method with `http` (a TestClient or an httpx client) and answer its message."""
    response = http.post(API + method, json=body, headers=headers or {})
    assert response.status_code == 200, f"{method}: {response.status_code} {response.text}"
    return response.json()["message"]


def seed(http: Any, headers: dict[str, str], marker: str) -> dict[str, Any]:
    """Data of every kind in the environment `headers` (a key's) names, each carrying `marker`
    in a name, an email or a URL; answers the ids the detail pages' placeholders need, and the
    codes (random, shown on the scans page)."""
    lower = marker.lower()
    product = post(http, "product.api.upsert_product", headers, name=f"{marker} kettle", brand="Acme",
                   gtin="4006381333931", warranty_months=24)
    post(http, "party.api.upsert_party", headers, name=f"{marker} dealer", email=f"{lower}-dealer@example.com",
         phone="+44 20 7946 0000")
    codes = post(http, "auth_code.api.create_code", headers, batch_name=marker, quantity=3,
                 product_id=product["id"])["codes"]
    for _ in range(11):  # past the suspicious threshold: a flagged row too
        http.get(API + "auth_code.api.verify_code", params={"code": codes[0], "country": "GB"})
    http.get(API + "auth_code.api.verify_code", params={"code": codes[1], "country": "DE"})
    post(http, "serial_number.api.add_serial_numbers", headers,
         serial_numbers=[{"serial_number": f"{marker}-SN-1"}, {"serial_number": f"{marker}-SN-2"}])
    post(http, "warranty.api.activate_warranty", headers, serial_number=f"{marker}-SN-1",
         customer_name=f"{marker} customer", customer_email=f"{lower}-customer@example.com")
    form = post(http, "registration.api.create_registration_form", headers, slug=f"{lower}-form", title=f"{marker} form",
                fields=[{"name": "colour", "type": "select", "options": ["red", "blue"]}, {"name": "gift", "type": "boolean"}])
    post(http, "registration.api.add_registrations", headers, registrations=[
        {"type": form["slug"], "email": f"{lower}-owner@example.com", "name": f"{marker} owner",
         "serial_number": f"{marker}-SN-2", "colour": "red"}])
    post(http, "tracker_template.api.create_template", headers, slug=f"{lower}-service", name=f"{marker} service",
         steps=[{"name": "Received"}, {"name": "Checked", "visible": False}, {"name": "Returned"}])
    tracker = post(http, "tracker.api.create_tracker", headers, name=f"{marker} order", template="repair-service",
                   reference=f"{marker}-REF", customer_email=f"{lower}-tracked@example.com")
    post(http, "tracker.api.update_status", headers, tracker_id=tracker["id"], process="Device Received",
         action="complete")
    item = post(http, "item.api.create_item", headers, sku=f"{marker}-BOLT", name=f"{marker} bolt")
    post(http, "item.api.create_item", headers, sku=f"{marker}-BIKE", name=f"{marker} bike", tracking="serial")
    post(http, "warehouse.api.create_warehouse", headers, code=f"{marker}-WH", name=f"{marker} store", bins=["A1"])
    post(http, "stock.api.receive", headers, item=item["id"], warehouse=f"{marker}-WH", quantity=5,
         unit_cost="2.5", reason=f"{marker} receipt")
    post(http, "stock.api.issue", headers, item=item["id"], warehouse=f"{marker}-WH", quantity=1,
         reason=f"{marker} issue")
    # A sales order of the dealer (as a customer), shipped in part: /app/sales-orders/{order}.
    post(http, "party.api.upsert_party", headers, name=f"{marker} dealer", roles=["customer"])
    order = post(http, "sales_order.api.create_sales_order", headers, customer=f"{marker} dealer", confirm=True,
                 reference=f"{marker}-SO", lines=[{"item": item["id"], "quantity": 3}])
    post(http, "shipment.api.create_shipment", headers, order=order["id"], warehouse=f"{marker}-WH",
         lines=[{"line": 1, "quantity": 1}], carrier=f"{marker} carrier")
    # A purchase order from a vendor, received in part: /app/purchase-orders/{purchase_order}.
    post(http, "party.api.upsert_party", headers, name=f"{marker} vendor co", roles=["vendor"])
    purchase = post(http, "purchase_order.api.create_purchase_order", headers, vendor=f"{marker} vendor co",
                    reference=f"{marker}-PO", lines=[{"item": item["id"], "quantity": 10, "unit_cost": 2}])
    post(http, "purchase_order.api.place_purchase_order", headers, order=purchase["id"])
    post(http, "purchase_order.api.receive_purchase_order", headers, order=purchase["id"], warehouse=f"{marker}-WH",
         line=1, quantity=4)
    # A kit's BOM (two bolts) and a planned build of it: /app/boms, /app/builds/{build}.
    post(http, "item.api.create_item", headers, sku=f"{marker}-KIT", name=f"{marker} kit")
    post(http, "bom.api.create_bom", headers, item=f"{marker}-KIT", lines=[{"item": item["id"], "quantity": 2}],
         note=f"{marker} bom")
    build = post(http, "build.api.create_build", headers, item=f"{marker}-KIT", quantity=1, warehouse=f"{marker}-WH",
                 note=f"{marker} build")
    endpoint = post(http, "webhook.api.create_webhook", headers, url=f"http://127.0.0.1:9/{lower}",
                    events=["*"], description=f"{marker} endpoint")
    delivery = post(http, "webhook.api.ping_webhook", headers, webhook_id=endpoint["id"])["delivery_id"]
    post(http, "branding.api.update_branding", headers, display_name=f"{marker} brand")
    return {"tracker_id": tracker["id"], "delivery_id": delivery, "item": item["id"], "codes": codes,
            "order": order["id"], "purchase_order": purchase["id"], "build": build["id"]}


def call(http: Any, headers: dict[str, str], method: str, **body: Any) -> Any:
    """post() with the headers first, as the inventory page tests read."""
    return post(http, method, headers, **body)


def form(http: Any, headers: dict[str, str], method: str, expect: int = 200, **fields: str) -> Any:
    """A dashboard form's post: urlencoded fields, the session's CSRF token."""
    response = http.post(API + method, data=fields, headers=headers)
    assert response.status_code == expect, f"{method}: {response.text}"
    return response.json()
