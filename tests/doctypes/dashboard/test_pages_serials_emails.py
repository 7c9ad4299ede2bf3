"""The serial numbers and emails pages over HTTP, with list_serial_numbers and the text form of
add_serial_numbers their forms use: tenancy, sandbox, filters, bad queries, what a viewer sees,
and never an invitation's or a password reset's body."""

from __future__ import annotations

import re

import pytest

from doctypes.email.model import EmailMessage
from tests.support.conformance import check_answer
from tests.support.dashboard import sign_in_headers
from tests.support.helpers import key_headers

METHOD = "/api/method/doctypes."
SERIALS = METHOD + "serial_number.api."


def switch(client, csrf: dict[str, str], environment: str) -> None:
    response = client.post(METHOD + "session.api.switch", json={"environment": environment}, headers=csrf)
    assert response.status_code == 200, response.text


def add(client, headers, *serials: str, **common: str) -> dict:
    response = client.post(SERIALS + "add_serial_numbers", headers=headers,
                           json={"serial_numbers": [{"serial_number": s, **common} for s in serials]})
    assert response.status_code == 200, response.text
    return response.json()["message"]


def product(client, headers, name: str) -> dict:
    response = client.post(METHOD + "product.api.upsert_product", json={"name": name}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["message"]


def listed(client, headers, **params) -> dict:
    response = client.get(SERIALS + "list_serial_numbers", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["message"]


def activate(client, headers, serial: str, email: str) -> None:
    response = client.post(METHOD + "warranty.api.activate_warranty", headers=headers, json={
        "serial_number": serial, "customer_name": "Jane", "customer_email": email})
    assert response.status_code == 200, response.text


# -- list_serial_numbers -------------------------------------------------------------------------

def test_list_serial_numbers_newest_first_by_prefix_product_and_status(client, workspace):
    headers = key_headers(workspace)
    drill = product(client, headers, "Drill")
    add(client, headers, "A-1", product_id=drill["sku"])
    add(client, headers, "A-10", "A-2", "B-1")
    activate(client, headers, "A-2", "jane@example.com")
    client.post(SERIALS + "void_serial_number", json={"serial_number": "B-1"}, headers=headers).raise_for_status()
    page = listed(client, headers)
    assert [s["serial_number"] for s in page["data"]] == ["B-1", "A-2", "A-10", "A-1"]
    assert (page["total"], page["limit"], page["offset"]) == (4, 100, 0)
    first = page["data"][3]
    assert first["product_id"] == drill["id"] and first["status"] == "unregistered" and first["warranty_id"] is None
    assert page["data"][1]["warranty_id"] and page["data"][1]["status"] == "registered"

    def serials(**params) -> list[str]:
        return [s["serial_number"] for s in listed(client, headers, **params)["data"]]

    assert serials(prefix="A-") == ["A-2", "A-10", "A-1"]
    assert serials(prefix="A-1") == ["A-10", "A-1"] and serials(prefix="A-10") == ["A-10"]
    assert serials(prefix="a-") == [] and serials(prefix="A-1%") == [] and serials(prefix="A_") == []
    assert serials(product_id=drill["sku"]) == ["A-1"] == serials(product_id=drill["id"])
    assert serials(status="void") == ["B-1"] and serials(status="registered", prefix="A") == ["A-2"]
    second = listed(client, headers, limit=1, offset=1)
    assert [s["serial_number"] for s in second["data"]] == ["A-2"] and second["total"] == 4


def test_list_serial_numbers_answers_what_the_openapi_document_says(client, workspace):
    headers = key_headers(workspace)
    add(client, headers, "D-1", "D-2")
    activate(client, headers, "D-1", "jane@example.com")
    document = client.get("/api/openapi.json").json()
    for params in ({}, {"status": "lost"}):
        response = client.get(SERIALS + "list_serial_numbers", params=params, headers=headers)
        check_answer(document, "GET", SERIALS + "list_serial_numbers", response.status_code,
                     response.headers["content-type"], response.content, response.json())


@pytest.mark.parametrize("params,field", [
    ({"status": "lost"}, "status"), ({"limit": "0"}, "limit"), ({"limit": "1001"}, "limit"),
    ({"offset": "-1"}, "offset"), ({"offset": "abc"}, "offset"), ({"prefix": ""}, "prefix"),
    ({"prefix": "x" * 101}, "prefix"), ({"product_id": "nope"}, "product_id"), ({"product_id": "p" * 65}, "product_id"),
    ({"colour": "red"}, "colour"),
])
def test_list_serial_numbers_bad_inputs(client, workspace, params, field):
    response = client.get(SERIALS + "list_serial_numbers", params=params, headers=key_headers(workspace))
    assert response.status_code == 417, response.text
    assert field in response.json()["field_errors"]


def test_list_serial_numbers_tenancy_and_sandbox(client, workspace, make_workspace):
    live, sandbox, other = key_headers(workspace), key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))
    add(client, live, "T-1")
    assert listed(client, sandbox)["total"] == 0 and listed(client, other)["total"] == 0
    add(client, sandbox, "T-2")
    add(client, other, "T-3")
    activate(client, other, "T-3", "theirs@example.com")
    assert [s["serial_number"] for s in listed(client, live, prefix="T")["data"]] == ["T-1"]
    assert [s["serial_number"] for s in listed(client, sandbox)["data"]] == ["T-2"]
    assert listed(client, other)["data"][0]["warranty_id"] is not None
    theirs = product(client, other, "Their drill")
    refused = client.get(SERIALS + "list_serial_numbers", params={"product_id": theirs["id"]}, headers=live)
    assert refused.status_code == 417 and "product_id" in refused.json()["field_errors"]


# -- add_serial_numbers as a form's text ---------------------------------------------------------

def test_add_serial_numbers_one_a_line_from_a_form(client, workspace):
    headers = key_headers(workspace)
    product(client, headers, "Drill")
    response = client.post(SERIALS + "add_serial_numbers", headers=headers, data={
        "serial_numbers_text": "L-1\r\n\r\n  L-2  \nL-1\n", "product_id": "PRD-00001", "customer_tags": "vip, retail"})
    assert response.status_code == 200, response.text
    assert response.json()["message"] == {"added": 2, "existing": [], "repeated": ["L-1"]}
    got = client.get(SERIALS + "get_serial_number", params={"serial_number": "L-2"}, headers=headers).json()["message"]
    assert got["product_id"] is not None and got["customer_tags"] == ["vip", "retail"]
    again = client.post(SERIALS + "add_serial_numbers", headers=headers, data={"serial_numbers_text": "L-2\nL-3"})
    assert again.json()["message"] == {"added": 1, "existing": ["L-2"], "repeated": []}
    assert listed(client, headers, prefix="L-3")["data"][0]["product_id"] is None


@pytest.mark.parametrize("body,field,says", [
    ({"serial_numbers_text": "A", "serial_numbers": [{"serial_number": "B"}]}, "serial_numbers", "or"),
    ({"serial_numbers_text": " \n\n"}, "serial_numbers_text", "one per line"),
    ({"serial_numbers_text": "ok\n" + "x" * 101}, "serial_numbers_text", "Line 2:"),
    ({"serial_numbers_text": "\n".join(f"S{i}" for i in range(10_001))}, "serial_numbers_text", "10,000"),
    ({"serial_numbers_text": "A", "product_id": "nope"}, "product_id", "product"),
    ({"serial_numbers": [{"serial_number": "A"}], "product_id": "PRD-00001"}, "product_id", "each entry"),
    ({"serial_numbers_text": "A", "customer_tags": "t" * 501}, "customer_tags", "500"),
])
def test_add_serial_numbers_text_bad_inputs(client, workspace, body, field, says):
    response = client.post(SERIALS + "add_serial_numbers", json=body, headers=key_headers(workspace))
    assert response.status_code == 417, response.text
    errors = response.json()["field_errors"]
    assert field in errors and says in str(errors[field]), errors


# -- /app/serials ---------------------------------------------------------------------------------

def test_serials_page_shows_this_workspace_and_environment_only(client, member, workspace, make_workspace):
    other = key_headers(make_workspace("other"))
    add(client, key_headers(workspace), "LIVE-1")
    add(client, key_headers(workspace, "sandbox"), "SANDBOX-1")
    add(client, other, "THEIRS-1")
    product(client, other, "Their kettle")
    member("ann@example.com", "owner")
    csrf = sign_in_headers(client, "ann@example.com")
    page = client.get("/app/serials")
    assert page.status_code == 200 and 'href="/app/serials" aria-current=page' in page.text
    assert "LIVE-1" in page.text and "1 serial numbers" in page.text
    assert "SANDBOX-1" not in page.text and "THEIRS-1" not in page.text and "Their kettle" not in page.text
    assert "Add serial numbers" in page.text and 'aria-label="Void LIVE-1"' in page.text
    switch(client, csrf, "sandbox")
    sandbox = client.get("/app/serials").text
    assert "SANDBOX-1" in sandbox and "LIVE-1" not in sandbox and "THEIRS-1" not in sandbox


def test_serials_page_filters_pages_and_warranties(client, member, workspace):
    headers = key_headers(workspace)
    kettle = product(client, headers, "Kettle <Pro>")
    add(client, headers, *(f"P-{n:02d}" for n in range(55)))
    add(client, headers, "K-1", "K-2", product_id=kettle["id"])
    activate(client, headers, "K-2", "jane@example.com")
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    first = client.get("/app/serials").text
    assert "57 serial numbers" in first and "K-2" in first and "P-07" in first and "P-06" not in first
    assert 'href="/app/serials?sort=-created&amp;offset=50">Older' in first
    assert "P-06" in client.get("/app/serials", params={"offset": 50}).text
    by_prefix = client.get("/app/serials", params={"prefix": " P-0"}).text
    assert "10 serial numbers" in by_prefix and 'value="P-0"' in by_prefix
    by_product = client.get("/app/serials", params={"product_id": kettle["id"]}).text
    assert "2 serial numbers" in by_product and "PRD-00001 Kettle &lt;Pro&gt;" in by_product
    assert f'<option value="{kettle["id"]}" selected>' in by_product
    registered = client.get("/app/serials", params={"status": "registered"}).text
    assert "1 serial numbers" in registered and "K-2" in registered and "<td>Yes</td>" in registered
    assert "<td>No</td>" not in registered
    assert "0 serial numbers" in client.get("/app/serials", params={"status": "void"}).text
    paged = client.get("/app/serials", params={"prefix": "P-", "status": "unregistered"}).text
    assert 'href="/app/serials?prefix=P-&amp;status=unregistered&amp;sort=-created&amp;offset=50">Older' in paged
    oldest = client.get("/app/serials", params={"sort": "created"}).text
    assert "Serial numbers: oldest first" in oldest and "P-00" in oldest and "K-2" not in oldest
    assert '<option value="created" selected>' in oldest


def test_serials_page_downloads_as_csv_with_its_filters(client, member, workspace, make_workspace):
    headers = key_headers(workspace)
    product(client, headers, "Drill")
    add(client, headers, "=CMD()", "C-1", product_id="PRD-00001", customer_tags="vip, retail")
    add(client, headers, "C-2")
    add(client, key_headers(workspace, "sandbox"), "C-SANDBOX")
    add(client, key_headers(make_workspace("other")), "C-THEIRS")
    activate(client, headers, "C-1", "jane@example.com")
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    assert 'href="/app/serials?prefix=C&amp;sort=-created&amp;format=csv" download' in client.get(
        "/app/serials", params={"prefix": "C"}).text
    download = client.get("/app/serials", params={"format": "csv"})
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == 'attachment; filename="serial-numbers.csv"'
    lines = download.text.splitlines()
    assert lines[0] == "Serial,Product id,Product,Status,Customer tags,Added,Registered,Voided,Void reason,Warranty"
    assert [line.split(",")[0] for line in lines[1:]] == ["C-2", "C-1", "'=CMD()"]
    assert "PRD-00001 Drill" in lines[2] and '"vip,retail"' in lines[2] and ",registered," in lines[2]
    assert "SANDBOX" not in download.text and "THEIRS" not in download.text
    by_prefix = client.get("/app/serials", params={"format": "csv", "prefix": "C-", "sort": "created"}).text
    assert [line.split(",")[0] for line in by_prefix.splitlines()[1:]] == ["C-1", "C-2"]


@pytest.mark.parametrize("params", [
    {"status": "lost"}, {"status": "x" * 5000}, {"offset": "-1"}, {"offset": "abc"}, {"offset": "9" * 40},
    {"product_id": "nope"}, {"product_id": "p" * 5000}, {"prefix": "\x00"}, {"sort": "serial"}, {"sort": "-"},
    {"format": "xlsx"},
])
def test_serials_page_refuses_bad_queries_with_a_417_page(client, member, params):
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    response = client.get("/app/serials", params=params)
    assert response.status_code == 417 and response.headers["content-type"].startswith("text/html")


def test_serials_page_takes_any_text_as_a_prefix(client, member):
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    for text in ("a" * 5000, "ü€😀 ☃ \u202e", "' OR 1=1 --", "%", "_"):
        response = client.get("/app/serials", params={"prefix": text})
        assert response.status_code == 200 and "No serial numbers match." in response.text


def test_a_viewer_sees_no_add_or_void_forms(client, member, workspace):
    add(client, key_headers(workspace), "V-1")
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    page = client.get("/app/serials").text
    assert "V-1" in page and "Add serial numbers" not in page
    assert "add_serial_numbers" not in page and "void_serial_number" not in page


def test_the_pages_forms_add_and_void_through_the_methods(client, member, workspace):
    product(client, key_headers(workspace), "Drill")
    member("olga@example.com", "operator")
    csrf = sign_in_headers(client, "olga@example.com")
    added = client.post(SERIALS + "add_serial_numbers", headers=csrf, files={
        "serial_numbers_text": (None, "F-1\nF-2"), "product_id": (None, "PRD-00001")})  # multipart, as FormData
    assert added.status_code == 200 and added.json()["message"]["added"] == 2, added.text
    voided = client.post(SERIALS + "void_serial_number", headers=csrf, files={"serial_number": (None, "F-1")})
    assert voided.status_code == 200, voided.text
    page = client.get("/app/serials", params={"status": "void"}).text
    assert "F-1" in page and "F-2" not in page and "PRD-00001 Drill" in page and 'aria-label="Void F-1"' not in page


# -- /app/emails ----------------------------------------------------------------------------------

def test_emails_page_shows_the_outbox_of_this_workspace_and_environment(client, member, workspace, make_workspace):
    other = make_workspace("other")
    add(client, key_headers(workspace), "E-1")
    activate(client, key_headers(workspace), "E-1", "jane@example.com")
    add(client, key_headers(workspace, "sandbox"), "E-2")
    activate(client, key_headers(workspace, "sandbox"), "E-2", "sandy@example.com")
    add(client, key_headers(other), "E-3")
    activate(client, key_headers(other), "E-3", "theirs@example.com")
    member("ann@example.com", "owner")
    csrf = sign_in_headers(client, "ann@example.com")
    page = client.get("/app/emails")
    assert page.status_code == 200 and 'href="/app/emails" aria-current=page' in page.text
    assert "jane@example.com" in page.text and "1 emails" in page.text and "warranty confirmation" in page.text
    assert "sandy@example.com" not in page.text and "theirs@example.com" not in page.text
    assert "not yet: due" in page.text and "<td>Queued</td>" in page.text
    switch(client, csrf, "sandbox")
    sandbox = client.get("/app/emails").text
    assert "sandy@example.com" in sandbox and "jane@example.com" not in sandbox and "theirs@example.com" not in sandbox
    download = client.get("/app/emails", params={"format": "csv"}).text
    assert "sandy@example.com" in download and "jane@example.com" not in download and "theirs" not in download


def test_emails_page_filters_and_shows_sent_and_failed(client, member, workspace):
    activate_many = key_headers(workspace)
    add(client, activate_many, "S-1", "S-2", "S-3")
    for number, email in ((1, "a@example.com"), (2, "b@example.com"), (3, "c@example.com")):
        activate(client, activate_many, f"S-{number}", email)
    EmailMessage.update(status="sent", attempts=1, sent_at=EmailMessage.send_after).where(
        EmailMessage.to == "a@example.com").execute()
    EmailMessage.update(status="failed", attempts=5, error="550 <no such mailbox>").where(
        EmailMessage.to == "b@example.com").execute()
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    assert "3 emails" in client.get("/app/emails").text
    sent = client.get("/app/emails", params={"status": "sent"}).text
    assert "1 emails" in sent and "a@example.com" in sent and "<time datetime=" in sent and "not yet" not in sent
    failed = client.get("/app/emails", params={"status": "failed"}).text
    assert "b@example.com" in failed and "550 &lt;no such mailbox&gt;" in failed and "<td>5</td>" in failed
    assert '<option value="failed" selected>' in failed
    to = client.get("/app/emails", params={"to": " C@Example.com "}).text
    assert "1 emails" in to and "c@example.com" in to and 'value="c@example.com"' in to


@pytest.mark.parametrize("params", [
    {"status": "lost"}, {"status": "x" * 5000}, {"to": "nope"}, {"to": "x" * 5000}, {"offset": "-1"},
    {"offset": "abc"}, {"offset": "9" * 40}, {"to": "\x00@example.com"}, {"format": "xlsx"},
])
def test_emails_page_refuses_bad_queries_with_a_417_page(client, member, params):
    member("vic@example.com", "viewer")
    sign_in_headers(client, "vic@example.com")
    response = client.get("/app/emails", params=params)
    assert response.status_code == 417 and response.headers["content-type"].startswith("text/html")


def test_emails_page_never_shows_an_invitations_or_a_resets_link(client, member, workspace):
    member("ann@example.com", "owner")
    csrf = sign_in_headers(client, "ann@example.com")
    invited = client.post(METHOD + "user.api.invite_member", headers=csrf, json={"email": "new@example.com",
                                                                                 "role": "viewer"})
    assert invited.status_code == 200, invited.text
    client.post(METHOD + "user.api.request_password_reset", json={"email": "ann@example.com"}).raise_for_status()
    links = [re.search(r"https?://\S+", m.body).group(0) for m in EmailMessage.select()
             .where(EmailMessage.kind.in_(["invitation", "password_reset"]))]
    assert len(links) == 2
    page = client.get("/app/emails").text
    assert "new@example.com" in page and "invitation" in page and "password reset" in page
    download = client.get("/app/emails", params={"format": "csv"}).text
    assert "new@example.com" in download and "password_reset" in download
    for text in (page, download):
        for link in links:
            assert link not in text and link.rsplit("/", 1)[1] not in text
        assert "Choose a new password" not in text and "invites you" not in text
