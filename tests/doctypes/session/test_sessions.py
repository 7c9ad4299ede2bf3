"""Dashboard sessions: Frappe's login contract, the cookie, CSRF, roles, throttling, tenancy."""

from __future__ import annotations

import re

import pytest

from doctypes.session.model import LoginFailure, Session
from doctypes.session.service import THROTTLE_FAILURES
from doctypes.user.cli import create_or_add
from doctypes.user.model import User
from doctypes.user.service import set_password
from doctypes.workspace.model import Workspace
from tests.support.helpers import call, key_headers

PASSWORD = "correct horse battery"
METHOD = "/api/method/"
PRODUCT = METHOD + "doctypes.product.api.upsert_product"
PRODUCTS = METHOD + "doctypes.product.api.list_products"


@pytest.fixture
def member(rt, workspace):
    """Add people to workspaces: member("ann@example.com", "viewer")."""
    def add(email: str, role: str, workspace_name: str = "acme", password: str = PASSWORD) -> None:
        call(rt, lambda ctx: create_or_add(ctx, email, workspace_name, role, password))
    return add


def login(client, email: str, password: str = PASSWORD, expect: int = 200, **headers: str):
    response = client.post(METHOD + "login", json={"usr": email, "pwd": password}, headers=headers)
    assert response.status_code == expect, response.text
    return response


def signed_in(client, member, role: str = "owner", email: str = "ann@example.com") -> str:
    """Sign a new member in on `client`; answers the session's CSRF token."""
    member(email, role)
    return login(client, email).json()["csrf_token"]


def test_login_follows_frappe_and_sets_a_safe_cookie(client, member):
    member("ann@example.com", "viewer")
    response = login(client, "Ann@Example.com")
    body = response.json()
    assert (body["message"], body["home_page"], body["full_name"]) == ("Logged In", "/app", "ann@example.com")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("sid=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # TRACIQO_BASE_URL is http here
    assert client.get(METHOD + "frappe.auth.get_logged_user").json() == {"message": "ann@example.com"}
    info = client.get(METHOD + "doctypes.session.api.session_info").json()["message"]
    assert (info["workspace"], info["role"], info["environment"], info["rights"]) == ("acme", "viewer", "live", ["read"])
    assert info["csrf_token"] == body["csrf_token"]


def test_cookie_is_secure_behind_https(make_app, settings):
    from dataclasses import replace

    from starlette.testclient import TestClient

    from doctypes.workspace.service import create_workspace

    app = make_app(replace(settings, base_url="https://dash.example"))
    call(app.state.runtime, lambda ctx: create_workspace(ctx, "secure", "pro"))
    call(app.state.runtime, lambda ctx: create_or_add(ctx, "ann@example.com", "secure", "owner", PASSWORD))
    with TestClient(app, base_url="https://dash.example") as client:
        assert "; Secure" in login(client, "ann@example.com").headers["set-cookie"]


def test_a_new_session_at_every_sign_in(client, member):
    member("ann@example.com", "owner")
    first = login(client, "ann@example.com").headers["set-cookie"]
    second = login(client, "ann@example.com").headers["set-cookie"]
    assert first.split(";")[0] != second.split(";")[0]
    assert Session.select().count() == 2


def test_wrong_email_or_password_is_the_same_401(client, member):
    member("ann@example.com", "owner")
    wrong_password = login(client, "ann@example.com", "not the password", expect=401).json()
    no_account = login(client, "nobody@example.com", PASSWORD, expect=401).json()
    assert wrong_password == no_account
    assert (wrong_password["error_code"], wrong_password["exception"]) == ("login", "Incorrect email or password")
    assert "set-cookie" not in login(client, "ann@example.com", "nope", expect=401).headers


@pytest.mark.parametrize("body, field", [({"pwd": PASSWORD}, "usr"), ({"usr": "a@example.com"}, "pwd"),
                                         ({"usr": "a@example.com", "pwd": "x" * 2000}, "pwd"),
                                         ({"usr": ["a"], "pwd": PASSWORD}, "usr")])
def test_login_bad_inputs(client, body, field):
    response = client.post(METHOD + "login", json=body)
    assert response.status_code == 417 and field in response.json()["field_errors"], response.text


def test_login_malformed_body_is_400(client):
    response = client.post(METHOD + "login", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_changes_need_the_csrf_token_and_reads_do_not(client, member):
    csrf = signed_in(client, member, "operator")
    assert client.get(PRODUCTS).status_code == 200
    refused = client.post(PRODUCT, json={"name": "Kettle"})
    assert refused.status_code == 403 and refused.json()["error_code"] == "csrf_token_invalid"
    assert client.post(PRODUCT, json={"name": "Kettle"}, headers={"X-Frappe-CSRF-Token": "x" + csrf}).status_code == 403
    assert client.post(PRODUCT, json={"name": "Kettle"}, headers={"X-Frappe-CSRF-Token": csrf}).status_code == 200
    assert client.post(PRODUCT, data={"name": "Kettle 2", "csrf_token": csrf}).status_code == 200  # a form's field
    assert client.get(PRODUCTS).json()["message"]["total"] == 2


def test_a_key_wins_over_a_cookie_and_needs_no_csrf_token(client, member, make_workspace):
    signed_in(client, member, "viewer")
    other = make_workspace("other")
    response = client.post(PRODUCT, json={"name": "Theirs"}, headers=key_headers(other))
    assert response.status_code == 200, response.text  # the key's workspace, the key's rights
    assert client.get(PRODUCTS).json()["message"]["total"] == 0  # the session's (acme) sees none of it


@pytest.mark.parametrize("role, allowed, refused", [
    ("viewer", ["list_products"], ["upsert_product", "create_api_key", "create_webhook"]),
    ("operator", ["list_products", "upsert_product"], ["create_api_key", "create_webhook"]),
    ("developer", ["list_products", "create_api_key", "create_webhook"], ["upsert_product"]),
    ("admin", ["list_products", "upsert_product", "create_api_key", "create_webhook"], []),
    ("owner", ["list_products", "upsert_product", "create_api_key", "create_webhook"], []),
])
def test_each_role_may_do_what_it_says(client, member, role, allowed, refused):
    csrf = signed_in(client, member, role)
    calls = {
        "list_products": lambda: client.get(PRODUCTS),
        "upsert_product": lambda: client.post(PRODUCT, json={"name": "Kettle"}, headers={"X-Frappe-CSRF-Token": csrf}),
        "create_api_key": lambda: client.post(METHOD + "doctypes.api_key.api.create_api_key", json={
            "name": "ci", "scopes": ["read"]}, headers={"X-Frappe-CSRF-Token": csrf}),
        "create_webhook": lambda: client.post(METHOD + "doctypes.webhook.api.create_webhook", json={
            "url": "http://127.0.0.1:9/hook", "events": ["Code Created"]}, headers={"X-Frappe-CSRF-Token": csrf}),
    }
    for name in allowed:
        assert calls[name]().status_code == 200, (role, name)
    for name in refused:
        response = calls[name]()
        assert response.status_code == 403 and response.json()["error_code"] == "no_permission", (role, name)
        assert re.fullmatch(r"You don't have a (write|keys|webhooks) permission", response.json()["exception"])


def test_a_person_issues_keys_no_stronger_than_their_role(client, member):
    csrf = signed_in(client, member, "developer")  # reads everything, writes none of the business data
    response = client.post(METHOD + "doctypes.api_key.api.create_api_key", json={"name": "ci", "scopes": ["write"]},
                           headers={"X-Frappe-CSRF-Token": csrf})
    assert response.status_code == 403, response.text


def test_signing_out_ends_the_session_everywhere(client, member):
    csrf = signed_in(client, member)
    cookie = client.cookies.get("sid")
    response = client.post(METHOD + "logout", headers={"X-Frappe-CSRF-Token": csrf})
    assert response.status_code == 200 and "Max-Age=0" in response.headers["set-cookie"]
    client.cookies.set("sid", cookie)  # the old cookie, replayed
    ended = client.get(PRODUCTS)
    assert ended.status_code == 401 and ended.json()["error_code"] == "session_expired"
    assert client.get(METHOD + "traciqo_rpc.api.ping").status_code == 200  # a guest's call reads no session
    assert Session.select().count() == 0


def test_a_new_password_ends_the_users_sessions(rt, client, member):
    signed_in(client, member)
    call(rt, lambda ctx: set_password(User.get(User.email == "ann@example.com"), "a new long password"))
    assert client.get(PRODUCTS).status_code == 401


def test_an_expired_or_tampered_cookie_is_no_session(client, member):
    signed_in(client, member)
    cookie = client.cookies.get("sid")
    client.cookies.set("sid", cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
    assert client.get(PRODUCTS).status_code == 403  # no valid cookie: a guest
    client.cookies.set("sid", cookie)
    Session.update(expires_at=Session.created_at).execute()
    assert client.get(PRODUCTS).status_code == 401


def test_failed_sign_ins_are_throttled_per_account(client, member):
    member("ann@example.com", "owner")
    for _ in range(THROTTLE_FAILURES):
        login(client, "ann@example.com", "wrong guess!", expect=401)
    throttled = login(client, "ann@example.com", expect=429)  # even the right password waits
    assert 0 < int(throttled.headers["retry-after"]) <= 15 * 60
    assert "Too many failed sign-ins" in throttled.json()["exception"]
    import datetime as dt

    LoginFailure.update(failed_at=dt.datetime.utcnow() - dt.timedelta(minutes=16)).execute()  # the window passed
    login(client, "ann@example.com")


def test_failed_sign_ins_are_throttled_per_address(client, member):
    member("ann@example.com", "owner")
    for number in range(THROTTLE_FAILURES):
        login(client, f"guess{number}@example.com", "wrong guess!", expect=401)  # a different account each time
    assert login(client, "ann@example.com", expect=429).headers["retry-after"]


def test_a_success_clears_the_accounts_failures(client, member):
    member("ann@example.com", "owner")
    for _ in range(THROTTLE_FAILURES - 1):
        login(client, "ann@example.com", "wrong guess!", expect=401)
    login(client, "ann@example.com")
    assert LoginFailure.select().where(LoginFailure.email == "ann@example.com").count() == 0


def test_workspace_switch_and_tenancy(client, member, make_workspace, workspace):
    make_workspace("beta")
    make_workspace("gamma")
    member("ann@example.com", "owner")
    member("ann@example.com", "operator", "beta")
    csrf = login(client, "ann@example.com").json()["csrf_token"]
    token = {"X-Frappe-CSRF-Token": csrf}
    client.post(PRODUCT, json={"name": "Acme kettle"}, headers=token).raise_for_status()
    switched = client.post(METHOD + "doctypes.session.api.switch", json={"workspace": "beta"}, headers=token)
    assert switched.json()["message"]["workspace"] == "beta" and switched.json()["message"]["role"] == "operator"
    assert client.get(PRODUCTS).json()["message"]["total"] == 0  # acme's kettle is not beta's
    refused = client.post(METHOD + "doctypes.session.api.switch", json={"workspace": "gamma"}, headers=token)
    assert refused.status_code == 403
    assert client.get(METHOD + "doctypes.session.api.session_info").json()["message"]["workspace"] == "beta"


def test_the_sandbox_switch(client, member):
    csrf = signed_in(client, member, "owner")
    token = {"X-Frappe-CSRF-Token": csrf}
    client.post(PRODUCT, json={"name": "Live kettle"}, headers=token).raise_for_status()
    client.post(METHOD + "doctypes.session.api.switch", json={"environment": "sandbox"}, headers=token)
    assert client.get(PRODUCTS).json()["message"]["total"] == 0
    client.post(PRODUCT, json={"name": "Test kettle"}, headers=token).raise_for_status()
    assert client.get(METHOD + "traciqo_rpc.api.whoami").json()["message"]["environment"] == "sandbox"
    client.post(METHOD + "doctypes.session.api.switch", json={"environment": "live"}, headers=token)
    names = [p["name"] for p in client.get(PRODUCTS).json()["message"]["data"]]
    assert names == ["Live kettle"]


def test_a_frozen_workspace_still_lets_members_sign_in(client, member):
    signed_in(client, member, "owner")
    Workspace.update(status="frozen").where(Workspace.name == "acme").execute()
    login(client, "ann@example.com")
    assert client.get(METHOD + "doctypes.session.api.session_info").status_code == 200
    frozen = client.get(PRODUCTS)
    assert frozen.status_code == 403 and frozen.json()["error_code"] == "inactive"
    csrf = login(client, "ann@example.com").json()["csrf_token"]
    assert client.post(METHOD + "logout", headers={"X-Frappe-CSRF-Token": csrf}).status_code == 200


def test_a_removed_member_is_signed_out(client, member):
    from doctypes.user.model import Membership

    signed_in(client, member, "viewer")
    Membership.delete().execute()
    assert client.get(PRODUCTS).status_code == 401


def test_session_methods_are_a_persons(client, workspace):
    response = client.get(METHOD + "doctypes.session.api.session_info", headers=key_headers(workspace))
    assert response.status_code == 403


def test_ended_sessions_and_old_failures_are_pruned(rt, client, member):
    import datetime as dt

    from doctypes.session.jobs import prune_sessions

    signed_in(client, member)
    login(client, "ann@example.com", "wrong guess!", expect=401)
    assert call(rt, prune_sessions) == 0
    Session.update(expires_at=dt.datetime(2000, 1, 1)).execute()
    LoginFailure.update(failed_at=dt.datetime(2000, 1, 1)).execute()
    assert call(rt, prune_sessions) == 2
    assert Session.select().count() == 0 and LoginFailure.select().count() == 0
