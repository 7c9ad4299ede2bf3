"""Members: invitations by a signed, expiring link; roles; the last owner; password resets."""

from __future__ import annotations

import re

import pytest

from doctypes.email.model import EmailMessage
from doctypes.user.cli import create_or_add
from doctypes.user.model import Invitation
from tests.support.helpers import call, key_headers

PASSWORD = "correct horse battery"
API = "/api/method/doctypes.user.api."


@pytest.fixture
def owner(rt, client, workspace):
    """ann@example.com, owner of acme, signed in on `client`: answers her CSRF header."""
    call(rt, lambda ctx: create_or_add(ctx, "ann@example.com", "acme", "owner", PASSWORD))
    return sign_in(client, "ann@example.com")


def sign_in(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/method/login", json={"usr": email, "pwd": password})
    assert response.status_code == 200, response.text
    return {"X-Frappe-CSRF-Token": response.json()["csrf_token"]}


def link_in_mail(to: str, path: str) -> str:
    message = EmailMessage.select().where(EmailMessage.to == to).order_by(EmailMessage.id.desc()).first()
    assert message is not None, f"no mail to {to}"
    return re.search(rf"/{path}/(\S+)", message.body)[1]


def test_invite_accept_and_the_link_works_once(client, owner):
    invited = client.post(API + "invite_member", json={"email": "Bob@Example.com", "role": "viewer"}, headers=owner)
    assert invited.status_code == 200 and invited.json()["message"]["email"] == "bob@example.com"
    pending = client.get(API + "list_members").json()["message"]
    assert [m["email"] for m in pending["members"]] == ["ann@example.com"]
    assert [(i["email"], i["role"]) for i in pending["invitations"]] == [("bob@example.com", "viewer")]
    token = link_in_mail("bob@example.com", "invite")
    client.cookies.clear()
    joined = client.post(API + "accept_invitation", json={"token": token, "password": "bobs long password",
                                                          "full_name": "Bob"})
    assert joined.status_code == 200 and "sid=" in joined.headers["set-cookie"]
    info = client.get("/api/method/doctypes.session.api.session_info").json()["message"]
    assert (info["email"], info["workspace"], info["role"]) == ("bob@example.com", "acme", "viewer")
    again = client.post(API + "accept_invitation", json={"token": token, "password": "bobs long password"})
    assert again.status_code == 417 and again.json()["exc_type"] == "InvitationInvalid"


def test_an_existing_account_joins_with_its_own_password(rt, client, owner, make_workspace):
    make_workspace("beta")
    call(rt, lambda ctx: create_or_add(ctx, "cy@example.com", "beta", "owner", "cys long password"))
    client.post(API + "invite_member", json={"email": "cy@example.com", "role": "operator"}, headers=owner)
    token = link_in_mail("cy@example.com", "invite")
    client.cookies.clear()
    assert client.post(API + "accept_invitation", json={"token": token, "password": "not cys password"}).status_code == 401
    assert client.post(API + "accept_invitation", json={"token": token, "password": "cys long password"}).status_code == 200
    workspaces = client.get("/api/method/doctypes.session.api.session_info").json()["message"]["workspaces"]
    assert sorted((w["workspace"], w["role"]) for w in workspaces) == [("acme", "operator"), ("beta", "owner")]


def test_tampered_or_expired_invitations_are_refused(client, owner):
    client.post(API + "invite_member", json={"email": "dee@example.com", "role": "viewer"}, headers=owner)
    token = link_in_mail("dee@example.com", "invite")
    client.cookies.clear()
    tampered = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    assert client.post(API + "accept_invitation", json={"token": tampered, "password": PASSWORD}).status_code == 417
    Invitation.update(expires_at=Invitation.created_at).execute()
    assert client.post(API + "accept_invitation", json={"token": token, "password": PASSWORD}).status_code == 417


def test_who_may_invite(rt, client, owner, workspace):
    assert client.post(API + "invite_member", json={"email": "ann@example.com", "role": "viewer"},
                       headers=owner).status_code == 409  # a member already
    call(rt, lambda ctx: create_or_add(ctx, "olga@example.com", "acme", "admin", PASSWORD))
    admin = sign_in(client, "olga@example.com")
    refused = client.post(API + "invite_member", json={"email": "x@example.com", "role": "viewer"}, headers=admin)
    assert refused.status_code == 403 and refused.json()["exception"] == "You don't have a members permission"
    client.cookies.clear()
    by_key = client.post(API + "invite_member", json={"email": "x@example.com", "role": "viewer"},
                         headers=key_headers(workspace))
    assert by_key.status_code == 403  # members are a person's business, never a key's


@pytest.mark.parametrize("body, field", [({"email": "not an email", "role": "viewer"}, "email"),
                                         ({"email": "a@example.com", "role": "god"}, "role"),
                                         ({"role": "viewer"}, "email")])
def test_invite_bad_inputs(client, owner, body, field):
    response = client.post(API + "invite_member", json=body, headers=owner)
    assert response.status_code == 417 and field in response.json()["field_errors"]


def test_accept_bad_inputs(client):
    response = client.post(API + "accept_invitation", json={"token": "x", "password": "short"})
    assert response.status_code == 417 and "password" in response.json()["field_errors"]


def test_a_workspace_keeps_an_owner(rt, client, owner):
    for refused in (client.post(API + "change_role", json={"email": "ann@example.com", "role": "admin"}, headers=owner),
                    client.post(API + "remove_member", json={"email": "ann@example.com"}, headers=owner)):
        assert refused.status_code == 417 and refused.json()["exc_type"] == "LastOwner"
    call(rt, lambda ctx: create_or_add(ctx, "bo@example.com", "acme", "viewer", PASSWORD))
    assert client.post(API + "change_role", json={"email": "bo@example.com", "role": "owner"},
                       headers=owner).status_code == 200
    assert client.post(API + "change_role", json={"email": "ann@example.com", "role": "admin"},
                       headers=owner).status_code == 200  # bo is owner now
    assert client.post(API + "change_role", json={"email": "nobody@example.com", "role": "admin"},
                       headers=owner).status_code == 403  # ann is admin now: members are the owner's


def test_a_removed_member_is_signed_out_of_the_workspace(rt, client, owner):
    from starlette.testclient import TestClient

    call(rt, lambda ctx: create_or_add(ctx, "bo@example.com", "acme", "viewer", PASSWORD))
    with TestClient(client.app) as bo:
        sign_in(bo, "bo@example.com")
        assert bo.get("/api/method/doctypes.product.api.list_products").status_code == 200
        assert client.post(API + "remove_member", json={"email": "bo@example.com"}, headers=owner).status_code == 200
        assert bo.get("/api/method/doctypes.product.api.list_products").status_code == 401
    assert [m["email"] for m in client.get(API + "list_members").json()["message"]["members"]] == ["ann@example.com"]


def test_password_reset_once_by_link(rt, client, owner):
    assert client.post(API + "request_password_reset", json={"email": "nobody@example.com"}).json() == {
        "message": {"sent": True}}
    assert EmailMessage.select().where(EmailMessage.to == "nobody@example.com").count() == 0
    client.post(API + "request_password_reset", json={"email": "ann@example.com"}).raise_for_status()
    token = link_in_mail("ann@example.com", "reset")
    done = client.post(API + "reset_password", json={"token": token, "password": "a brand new password"})
    assert done.status_code == 200 and done.json()["message"]["email"] == "ann@example.com"
    assert client.get(API + "list_members").status_code == 401  # every session ended
    client.cookies.clear()
    assert client.post("/api/method/login", json={"usr": "ann@example.com", "pwd": PASSWORD}).status_code == 401
    sign_in(client, "ann@example.com", "a brand new password")
    again = client.post(API + "reset_password", json={"token": token, "password": "another new password"})
    assert again.status_code == 417 and again.json()["exc_type"] == "ResetLinkInvalid"


def test_the_outbox_never_shows_an_invitation_or_reset_link(client, owner, workspace):
    client.post(API + "invite_member", json={"email": "bob@example.com", "role": "viewer"}, headers=owner)
    client.post(API + "request_password_reset", json={"email": "ann@example.com"}).raise_for_status()
    for headers in (owner, key_headers(workspace)):
        listed = client.get("/api/method/doctypes.email.api.list_emails", headers=headers).json()["message"]["data"]
        assert {m["subject"] for m in listed} == {"Join acme on traciqo", "Reset your traciqo password"}
        assert all("/invite/" not in m["body"] and "/reset/" not in m["body"] for m in listed)
