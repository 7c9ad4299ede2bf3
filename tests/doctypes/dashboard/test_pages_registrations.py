"""The registrations pages over HTTP: the list (tenancy, sandbox, filters, bad queries, escaping,
Delete) and the form builder (its methods posted as the page's forms post them, roles)."""

from __future__ import annotations

import time

import pytest

from tests.support.dashboard import sign_in_headers
from tests.support.helpers import key_headers

API = "/api/method/doctypes.registration.api."
BIKE = {"slug": "bike", "title": "Bike <b>registration</b>", "fields": [
    {"name": "frame_size", "type": "select", "options": ["S", "M"]}, {"name": "note", "type": "text"}]}


def register(client, headers, *entries) -> list[str]:
    response = client.post(API + "add_registrations", json={"registrations": list(entries)}, headers=headers)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["message"]["registrations"]]


@pytest.fixture
def live(client, workspace):
    """The workspace's live key, with the bike form and a unit of a product to register."""
    headers = key_headers(workspace)
    client.post(API + "create_registration_form", json=BIKE, headers=headers).raise_for_status()
    product = client.post("/api/method/doctypes.product.api.upsert_product", json={"name": "Roadster"},
                          headers=headers).json()["message"]
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers, json={
        "serial_numbers": [{"serial_number": "RS-1", "product_id": product["id"]}]}).raise_for_status()
    return headers


def test_the_list_shows_this_workspace_and_environment_only(client, member, live, workspace, make_workspace):
    register(client, live, {"email": "ann@example.com", "name": "Ann Live", "type": "bike", "frame_size": "M",
                            "note": "<script>alert(1)</script>", "serial_number": "RS-1"})
    register(client, key_headers(workspace, "sandbox"), {"email": "sam@example.com", "name": "Sam Sandbox"})
    register(client, key_headers(make_workspace("other")), {"email": "olly@example.com", "name": "Olly Other"})
    member("ann@example.com", "owner")
    csrf = sign_in_headers(client, "ann@example.com")
    page = client.get("/app/registrations")
    assert page.status_code == 200 and "Ann Live" in page.text
    assert "Sam Sandbox" not in page.text and "Olly Other" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert(1)" not in page.text
    assert "Bike &lt;b&gt;registration&lt;/b&gt;" in page.text and "RS-1<br>Roadster<br>warranty started" in page.text
    assert f'action="{API}delete_registration"' in page.text and 'data-confirm="Delete the registration of Ann Live?' in page.text
    assert '<a href="/app/registrations" aria-current=page>Registrations</a>' in page.text
    client.post("/api/method/doctypes.session.api.switch", json={"environment": "sandbox"}, headers=csrf)
    sandbox = client.get("/app/registrations").text
    assert "Sam Sandbox" in sandbox and "Ann Live" not in sandbox and "Olly Other" not in sandbox


def test_filters_and_pages(client, member, live):
    register(client, live, *({"email": f"buyer{n}@example.com", "name": f"Buyer {n:02}"} for n in range(51)))
    time.sleep(0.002)  # ids are time-first, to the millisecond: Cat's is the newest
    register(client, live, {"email": "Cat@Example.com", "name": "Cat Bike", "type": "bike", "frame_size": "S"})
    member("ann@example.com", "owner")
    sign_in_headers(client, "ann@example.com")
    first = client.get("/app/registrations").text
    assert "52 registrations" in first and first.index("Cat Bike") < first.index("Buyer ")
    assert first.count("<tr><td><time") == 50 and 'href="/app/registrations?sort=-created&amp;offset=50">Older' in first
    second = client.get("/app/registrations", params={"offset": 50}).text
    assert second.count("<tr><td><time") == 2 and "Cat Bike" not in second and "Newer</a>" in second
    by_form = client.get("/app/registrations", params={"form_slug": "bike"}).text
    assert "1 registrations" in by_form and "Cat Bike" in by_form and "Buyer 01" not in by_form
    assert '<option value="bike" selected>' in by_form
    by_email = client.get("/app/registrations", params={"email": " CAT@example.com "}).text
    assert "Cat Bike" in by_email and "Buyer 01" not in by_email and 'value="cat@example.com"' in by_email
    default = client.get("/app/registrations", params={"form_slug": "product-registration", "email": "buyer7@example.com"})
    assert "Buyer 07" in default.text and "Cat Bike" not in default.text


def test_bad_queries_answer_417_pages(client, member, live, make_workspace):
    client.post(API + "create_registration_form", json={"slug": "theirs", "title": "Theirs"},
                headers=key_headers(make_workspace("other"))).raise_for_status()
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    for query in ({"form_slug": "theirs"}, {"form_slug": "<nope>"}, {"email": "not-an-email"}, {"offset": "-1"},
                  {"offset": "many"}, {"offset": "99999999999999999999"}):
        response = client.get("/app/registrations", params=query)
        assert response.status_code == 417, query
        assert response.headers["content-type"].startswith("text/html")


def test_a_viewer_reads_but_sees_no_buttons_and_the_methods_refuse(client, member, live):
    registration_id = register(client, live, {"email": "ann@example.com", "name": "Ann Live"})[0]
    member("vic@example.com", "viewer")
    csrf = sign_in_headers(client, "vic@example.com")
    listing = client.get("/app/registrations")
    assert listing.status_code == 200 and "Ann Live" in listing.text and "delete_registration" not in listing.text
    forms = client.get("/app/registration-forms")
    assert forms.status_code == 200 and "frame_size" in forms.text
    assert "<form method=post action" not in forms.text.split("</header>")[1]  # no builder, no buttons
    for method, body in (("delete_registration", {"registration_id": registration_id}),
                         ("create_registration_form", {"slug": "new", "title": "New"}),
                         ("add_registration_form_field", {"slug": "bike", "name": "x", "type": "text"}),
                         ("remove_registration_form_field", {"slug": "bike", "name": "note"}),
                         ("move_registration_form_field", {"slug": "bike", "name": "note", "direction": "up"}),
                         ("update_registration_form", {"slug": "bike", "title": "Mine"}),
                         ("delete_registration_form", {"slug": "bike"})):
        assert client.post(API + method, data=body, headers=csrf).status_code == 403, method
    assert client.get(API + "list_registrations", headers=csrf).json()["message"]["total"] == 1


def test_the_builder_posts_one_field_at_a_time(client, member, workspace):
    member("ann@example.com", "owner")
    csrf = sign_in_headers(client, "ann@example.com")

    def post(method: str, **form: str):
        return client.post(API + method, data=form, headers=csrf)

    assert post("create_registration_form", slug="kettle", title="Kettle").status_code == 200
    page = client.get("/app/registration-forms").text
    assert "Kettle <code>kettle</code>" in page and "No extra fields" in page
    assert post("add_registration_form_field", slug="kettle", name="colour", type="select", required="true",
                options="Red\r\nBlue\r\n").status_code == 200
    assert post("add_registration_form_field", slug="kettle", name="litres", type="number").status_code == 200
    assert post("move_registration_form_field", slug="kettle", name="litres", direction="up").status_code == 200
    page = client.get("/app/registration-forms").text
    assert page.index("<code>litres</code>") < page.index("<code>colour</code>")
    assert "<td>Choice from a list</td><td>yes</td><td>Red, Blue</td>" in page
    assert 'aria-label="Move colour up"' in page and 'aria-label="Move litres up"' not in page
    assert 'aria-label="Move litres down"' in page and 'aria-label="Move colour down"' not in page
    for form, field in (({"name": "colour", "type": "text"}, "name"), ({"name": "x", "type": "colour"}, "type"),
                        ({"name": "bad name", "type": "text"}, "name"), ({"name": "x", "type": "select"}, "options"),
                        ({"name": "serial_number", "type": "text"}, "name")):
        refused = post("add_registration_form_field", slug="kettle", **form)
        assert refused.status_code == 417 and field in refused.json()["field_errors"], form
    for n in range(48):
        post("add_registration_form_field", slug="kettle", name=f"f{n}", type="text").raise_for_status()
    too_many = post("add_registration_form_field", slug="kettle", name="f50", type="text")
    assert too_many.status_code == 417 and "fields" in too_many.json()["field_errors"]
    assert post("remove_registration_form_field", slug="kettle", name="colour").status_code == 200
    assert post("update_registration_form", slug="kettle", title="Electric kettle").status_code == 200
    page = client.get("/app/registration-forms").text
    assert "<code>colour</code>" not in page and "Electric kettle <code>kettle</code>" in page
    assert post("delete_registration_form", slug="kettle").status_code == 200
    assert "No forms yet." in client.get("/app/registration-forms").text


def test_a_form_changed_after_registrations_still_shows_them(client, member, live):
    registration_id = register(client, live, {"email": "ann@example.com", "name": "Ann Live", "type": "bike",
                                              "frame_size": "M", "note": "leave at the door"})[0]
    member("ann@example.com", "owner")
    csrf = sign_in_headers(client, "ann@example.com")
    client.post(API + "remove_registration_form_field", data={"slug": "bike", "name": "note"},
                headers=csrf).raise_for_status()
    client.post(API + "add_registration_form_field", data={"slug": "bike", "name": "gears", "type": "number",
                                                           "required": "true"}, headers=csrf).raise_for_status()
    page = client.get("/app/registrations", params={"form_slug": "bike"}).text
    assert "Ann Live" in page and "<dt>frame_size</dt><dd>M</dd><dt>note</dt><dd>leave at the door</dd>" in page
    in_use = client.post(API + "delete_registration_form", data={"slug": "bike"}, headers=csrf)
    assert in_use.status_code == 417
    deleted = client.post(API + "delete_registration", data={"registration_id": registration_id}, headers=csrf)
    assert deleted.status_code == 200 and "Ann Live" not in client.get("/app/registrations").text
