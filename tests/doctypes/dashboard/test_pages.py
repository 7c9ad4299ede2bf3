"""The dashboard's pages over HTTP: sign-in first, roles, tenancy, the CSRF token they carry."""

from __future__ import annotations

import re

import pytest

from tests.support.dashboard import sign_in
from tests.support.helpers import issue_code, key_headers


@pytest.mark.parametrize("path", ["/app", "/app/keys"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"


def test_sign_in_page_returns_only_to_this_site(client):
    assert 'data-next="/app/keys"' in client.get("/login?next=/app/keys").text
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert 'data-next="/app"' in client.get("/login", params={"next": elsewhere}).text


def test_pages_carry_the_sessions_csrf_token_and_a_strict_policy(client, member):
    member("ann@example.com", "owner")
    csrf = sign_in(client, "ann@example.com")
    response = client.get("/app")
    assert response.status_code == 200 and f'<meta name=csrf-token content="{csrf}">' in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy
    assert "acme · owner" in response.text and response.headers["cache-control"] == "no-store"


def test_a_role_without_the_right_gets_a_403_page(client, member):
    member("vic@example.com", "viewer")
    sign_in(client, "vic@example.com")
    assert client.get("/app").status_code == 200
    refused = client.get("/app/keys")
    assert refused.status_code == 403 and "You don&#x27;t have a keys permission" in refused.text


def test_the_keys_page_shows_this_environments_keys_and_never_a_secret(client, member, workspace, make_workspace):
    member("ann@example.com", "owner")
    make_workspace("other")
    sign_in(client, "ann@example.com")
    page = client.get("/app/keys").text
    assert workspace["live"]["api_key"] in page and workspace["sandbox"]["api_key"] not in page
    assert workspace["live"]["api_secret"] not in page
    assert not re.search(r"tq_live_\w+", page.replace(workspace["live"]["api_key"], ""))  # no other workspace's key


def test_webhooks_pages_are_for_the_webhooks_right_and_the_workspace_only(client, member, make_workspace):
    other = make_workspace("other")
    theirs = client.post("/api/method/doctypes.webhook.api.create_webhook", headers=key_headers(other), json={
        "url": "http://127.0.0.1:9/theirs", "events": ["*"]}).json()["message"]
    delivery = client.post("/api/method/doctypes.webhook.api.ping_webhook", headers=key_headers(other),
                           json={"webhook_id": theirs["id"]}).json()["message"]["delivery_id"]
    member("olga@example.com", "operator")
    sign_in(client, "olga@example.com")
    assert client.get("/app/webhooks").status_code == 403
    member("dev@example.com", "developer")
    sign_in(client, "dev@example.com")
    page = client.get("/app/webhooks")
    assert page.status_code == 200 and "127.0.0.1:9/theirs" not in page.text and "No endpoints yet." in page.text
    assert client.get(f"/app/webhooks/deliveries/{delivery}").status_code == 404


def test_tracker_pages_bad_queries_tenancy_and_a_viewers_view(client, member, make_workspace):
    other = make_workspace("other")
    theirs = client.post("/api/method/doctypes.tracker.api.create_tracker", headers=key_headers(other),
                         json={"name": "Their order"}).json()["message"]
    member("vic@example.com", "viewer")
    sign_in(client, "vic@example.com")
    assert client.get(f"/app/trackers/{theirs['id']}").status_code == 404
    assert client.get("/app/trackers/not-a-number").status_code == 404
    for out_of_range in ("0", "-5", "99999999999999999999999"):
        assert client.get(f"/app/trackers/{out_of_range}").status_code == 404
    assert client.get("/app/trackers", params={"status": "lost"}).status_code == 417
    assert client.get("/app/trackers", params={"offset": "-1"}).status_code == 417
    listing = client.get("/app/trackers")
    assert "Their order" not in listing.text and "Create tracker" not in listing.text  # a viewer only reads
    member("ann@example.com", "owner")
    sign_in(client, "ann@example.com")
    mine = client.post("/api/method/doctypes.tracker.api.create_tracker", json={"name": "Mine"},
                       headers={"X-Frappe-CSRF-Token": sign_in(client, "ann@example.com")}).json()["message"]
    sign_in(client, "vic@example.com")
    detail = client.get(f"/app/trackers/{mine['id']}")
    assert detail.status_code == 200 and "Quality Check" in detail.text and "aria-label=\"Start" not in detail.text


def test_members_page_and_the_links_pages(client, member):
    member("vic@example.com", "viewer")
    sign_in(client, "vic@example.com")
    page = client.get("/app/members")
    assert page.status_code == 200 and "vic@example.com" in page.text and "Send invitation" not in page.text
    client.cookies.clear()
    assert "not valid any more" in client.get("/invite/not-a-real-token").text
    assert 'name=token value="x&lt;y"' in client.get("/reset/x<y").text  # the token is escaped, checked on posting
    assert "Email me a link" in client.get("/reset").text


def test_workspace_page_plan_limits_and_branding(client, member):
    member("ann@example.com", "owner")
    csrf = {"X-Frappe-CSRF-Token": sign_in(client, "ann@example.com")}
    client.post("/api/method/doctypes.tracker.api.create_tracker", json={"name": "Order"}, headers=csrf).raise_for_status()
    saved = client.post("/api/method/doctypes.branding.api.update_branding", headers=csrf,
                        data={"display_name": "Acme <Prints>", "accent_color": "#ffcc00"})
    assert saved.status_code == 200, saved.text
    page = client.get("/app/workspace").text
    assert "Live trackers not yet completed</dt><dd>1 of 10,000" in page  # the pro plan
    assert 'value="Acme &lt;Prints&gt;"' in page and 'value="#ffcc00"' in page
    member("vic@example.com", "viewer")
    sign_in(client, "vic@example.com")
    assert "Save branding" not in client.get("/app/workspace").text


def test_codes_page_lists_this_workspaces_batches_only(client, member, workspace, make_workspace):
    api = "/api/method/doctypes.auth_code.api.create_code"
    client.post(api, json={"batch_name": "Ours", "quantity": 2}, headers=key_headers(workspace)).raise_for_status()
    client.post(api, json={"batch_name": "Theirs", "quantity": 2},
                headers=key_headers(make_workspace("other"))).raise_for_status()
    member("vic@example.com", "viewer")
    sign_in(client, "vic@example.com")
    page = client.get("/app/codes").text
    assert "Ours" in page and "Theirs" not in page and "Issue codes" not in page
    assert "label_sheet" in page and "export_batch?batch=Ours" in page


def test_scans_page_chart_search_and_suspicious_marks(client, member, workspace, make_workspace):
    api = "/api/method/doctypes.auth_code.api."
    ours = client.post(api + "create_code", json={"batch_name": "B", "quantity": 2},
                       headers=key_headers(workspace)).json()["message"]["codes"]
    theirs = client.post(api + "create_code", json={"batch_name": "T", "quantity": 1},
                         headers=key_headers(make_workspace("other"))).json()["message"]["codes"][0]
    for _ in range(12):  # past the suspicious threshold (10)
        client.get(api + "verify_code", params={"code": ours[0]})
    client.get(api + "verify_code", params={"code": ours[1]})
    client.get(api + "verify_code", params={"code": theirs})
    member("vic@example.com", "viewer")
    sign_in(client, "vic@example.com")
    page = client.get("/app/scans").text
    assert "13 scans" in page and theirs not in page
    assert "<desc id=chart-scans-per-day-last-30-days-d>13 in all;" in page
    assert page.count("<tr class=flagged>") == 2 and "⚠ Suspicious: likely a cloned label" in page
    assert page.count("<br><small>scanned 1") == 2  # each with the reason it was flagged (11 and 12 times)
    genuine = client.get("/app/scans", params={"verdict": "genuine"}).text
    assert "2 scans" in genuine and "class=flagged" not in genuine
    assert "1 scans" in client.get("/app/scans", params={"code": ours[1]}).text
    assert client.get("/app/scans", params={"verdict": "fake"}).status_code == 417
    assert client.get("/app/scans", params={"offset": "x"}).status_code == 417


def test_products_and_parties_pages_search_page_and_tenancy(client, member, workspace, make_workspace):
    api = "/api/method/doctypes."
    for number in range(55):
        client.post(api + "product.api.upsert_product", json={"name": f"Kettle {number:02d}"},
                    headers=key_headers(workspace)).raise_for_status()
    client.post(api + "product.api.upsert_product", json={"name": "Their kettle"},
                headers=key_headers(make_workspace("other"))).raise_for_status()
    client.post(api + "party.api.upsert_party", json={"name": "Dealer <One>", "email": "d@example.com"},
                headers=key_headers(workspace)).raise_for_status()
    member("olga@example.com", "operator")
    sign_in(client, "olga@example.com")
    first = client.get("/app/products").text
    assert "55 products" in first and "Kettle 00" in first and "Kettle 54" not in first and "Their kettle" not in first
    assert 'href="/app/products?sort=sku&amp;offset=50">Older' in first and "Add a product" in first
    older = client.get("/app/products", params={"offset": 50}).text
    assert "Kettle 54" in older and "Newer" in older
    assert "1 products" in client.get("/app/products", params={"name": "Kettle 07"}).text
    last_first = client.get("/app/products", params={"sort": "-name"}).text
    assert last_first.index("Kettle 54") < last_first.index("Kettle 53") and "Kettle 00" not in last_first
    assert "Dealer &lt;One&gt;" in client.get("/app/parties").text
    assert client.get("/app/parties", params={"offset": "-3"}).status_code == 417
    for bad in ({"sort": "price"}, {"sort": "-"}, {"format": "xlsx"}):
        assert client.get("/app/products", params=bad).status_code == 417


def test_every_list_downloads_as_csv_with_its_filters_order_and_offset(client, member, workspace, make_workspace):
    api = "/api/method/doctypes."
    for name in ("=HYPERLINK(\"http://x\")", "Kettle", "Vase"):
        client.post(api + "product.api.upsert_product", json={"name": name},
                    headers=key_headers(workspace)).raise_for_status()
    client.post(api + "product.api.upsert_product", json={"name": "Theirs"},
                headers=key_headers(make_workspace("other"))).raise_for_status()
    member("ann@example.com", "owner")
    sign_in(client, "ann@example.com")
    page = client.get("/app/products", params={"sort": "-name"}).text
    assert 'href="/app/products?sort=-name&amp;format=csv" download' in page
    download = client.get("/app/products", params={"sort": "-name", "format": "csv"})
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == 'attachment; filename="products.csv"'
    lines = download.text.splitlines()
    assert lines[0] == "SKU,Name,Brand,GTIN,Warranty (months)" and len(lines) == 4  # never the other workspace's
    assert [line.split(",")[1] for line in lines[1:]] == ["Vase", "Kettle", '"\'=HYPERLINK(""http://x"")"']
    assert len(client.get("/app/products", params={"format": "csv", "offset": 2}).text.splitlines()) == 2
    assert client.get("/app/products", params={"format": "csv", "name": "Vase"}).text.count("Vase") == 1
    for path in ("/app/parties", "/app/codes", "/app/scans", "/app/warranties", "/app/trackers", "/app/webhooks",
                 "/app/serials", "/app/registrations", "/app/emails"):
        response = client.get(path, params={"format": "csv"})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv"), path
        assert 'format=csv" download' in client.get(path).text, path


def test_warranties_page_filters_and_a_viewers_view(client, member, workspace):
    api = "/api/method/doctypes."
    client.post(api + "serial_number.api.add_serial_numbers", json={"serial_numbers": [{"serial_number": "SN-1"}]},
                headers=key_headers(workspace)).raise_for_status()
    client.post(api + "warranty.api.activate_warranty", json={"serial_number": "SN-1", "customer_name": "Jane",
                "customer_email": "jane@example.com"}, headers=key_headers(workspace)).raise_for_status()
    member("vic@example.com", "viewer")
    sign_in(client, "vic@example.com")
    page = client.get("/app/warranties").text
    assert "SN-1" in page and "1 warranties" in page and "Activate a warranty" not in page and "Transfer" not in page
    assert "0 warranties" in client.get("/app/warranties", params={"status": "void"}).text
    assert client.get("/app/warranties", params={"status": "lost"}).status_code == 417
    assert client.get("/app/warranties", params={"customer_email": "nope"}).status_code == 417


def test_a_frozen_workspaces_members_see_the_plan_page_only(client, member):
    from doctypes.workspace.model import Workspace

    member("ann@example.com", "owner")
    sign_in(client, "ann@example.com")
    Workspace.update(status="frozen").where(Workspace.name == "acme").execute()
    workspace = client.get("/app/workspace")
    assert workspace.status_code == 200 and "frozen" in workspace.text
    assert client.get("/app/account").status_code == 200
    for path in ("/app", "/app/codes", "/app/keys"):
        refused = client.get(path)
        assert refused.status_code == 403 and "inactive" in refused.text, path


def test_the_overview_counts_the_chosen_period_day_by_day(client, member, workspace):
    code = issue_code(client, key_headers(workspace), name="Vase")
    for _ in range(2):
        client.get("/api/method/doctypes.auth_code.api.verify_code", params={"code": code})
    member("ann@example.com", "owner")
    sign_in(client, "ann@example.com")
    page = client.get("/app", params={"days": "7"}).text
    figures = dict((label, int(n.replace(",", ""))) for n, label in re.findall(r"<li><strong>([\d,]+)</strong>([a-z ]+)</li>", page))
    assert figures == {"codes issued": 1, "scans": 2, "suspicious scans": 0, "warranties activated": 0,
                       "trackers not yet completed": 0}
    assert page.count("<figure class=chart>") == 4 and 'href="/app?days=7" aria-current=page' in page
    for bad in ("5", "x", "-1", "9" * 40):
        assert client.get("/app", params={"days": bad}).status_code == 417


def test_the_keys_page_shows_the_environments_usage(client, member, workspace):
    for _ in range(3):
        client.get("/api/method/doctypes.product.api.list_products", headers=key_headers(workspace))
    member("ann@example.com", "owner")
    sign_in(client, "ann@example.com")
    page = client.get("/app/keys").text
    assert "<strong>3</strong>calls today" in page and "doctypes.product.api.list_products</td><td>3</td>" in page
    assert "<td>200</td><td>3</td>" in page
