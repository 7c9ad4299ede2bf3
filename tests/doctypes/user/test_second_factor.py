"""The optional second factor (TOTP): on with a code, asked at sign-in, each code once, off with a code."""

from __future__ import annotations

import time

import pyotp

from doctypes.session.model import LoginFailure
from doctypes.user.cli import create_or_add
from tests.support.helpers import call

PASSWORD = "correct horse battery"
API = "/api/method/doctypes.user.api."


def login(client, otp: str | None = None):
    body = {"usr": "ann@example.com", "pwd": PASSWORD, **({"otp": otp} if otp else {})}
    return client.post("/api/method/login", json=body)


def test_second_factor_on_asked_once_per_code_and_off(rt, client, workspace):
    call(rt, lambda ctx: create_or_add(ctx, "ann@example.com", "acme", "viewer", PASSWORD))
    csrf = {"X-Frappe-CSRF-Token": login(client).json()["csrf_token"]}
    set_up = client.post(API + "set_up_second_factor", headers=csrf).json()["message"]
    assert set_up["otpauth_uri"].startswith("otpauth://totp/traciqo:ann%40example.com?secret=")
    totp = pyotp.TOTP(set_up["secret"])
    wrong = client.post(API + "confirm_second_factor", json={"code": "000000" if totp.now() != "000000" else "111111"},
                        headers=csrf)
    assert wrong.status_code == 417 and wrong.json()["exc_type"] == "CodeWrong"
    assert client.post(API + "confirm_second_factor", json={"code": totp.now()}, headers=csrf).json() == {
        "message": {"enabled": True}}
    assert client.get("/api/method/doctypes.session.api.session_info").json()["message"]["second_factor"] is True

    client.cookies.clear()
    asked = login(client)
    assert asked.status_code == 401 and asked.json()["error_code"] == "otp_required" and "set-cookie" not in asked.headers
    later = totp.at(time.time() + 30)  # the next step's code: confirming used this one
    assert login(client, "123456" if later != "123456" else "654321").status_code == 401
    assert LoginFailure.select().count() == 1  # a wrong code is a failed sign-in
    signed = login(client, later)
    assert signed.status_code == 200
    client.cookies.clear()
    assert login(client, later).status_code == 401  # the same code again: used

    assert login(client, totp.at(time.time() - 30)).status_code == 401  # older than the step just used


def test_turning_off_takes_a_current_code_and_keys_cannot(rt, client, workspace):
    from tests.support.helpers import key_headers

    call(rt, lambda ctx: create_or_add(ctx, "ann@example.com", "acme", "viewer", PASSWORD))
    assert client.post(API + "set_up_second_factor", headers=key_headers(workspace)).status_code == 403
    csrf = {"X-Frappe-CSRF-Token": login(client).json()["csrf_token"]}
    refused = client.post(API + "turn_off_second_factor", json={"code": "123456"}, headers=csrf)
    assert refused.status_code == 417 and refused.json()["exc_type"] == "NotTurnedOn"
    totp = pyotp.TOTP(client.post(API + "set_up_second_factor", headers=csrf).json()["message"]["secret"])
    used = totp.now()
    client.post(API + "confirm_second_factor", json={"code": used}, headers=csrf).raise_for_status()
    assert client.post(API + "turn_off_second_factor", json={"code": used}, headers=csrf).status_code == 417
    off = client.post(API + "turn_off_second_factor", json={"code": totp.at(time.time() + 30)}, headers=csrf)
    assert off.json() == {"message": {"enabled": False}}
    client.cookies.clear()
    assert login(client).status_code == 200
    short = client.post(API + "confirm_second_factor", json={"code": "12"},
                        headers={"X-Frappe-CSRF-Token": login(client).json()["csrf_token"]})
    assert short.status_code == 417 and "code" in short.json()["field_errors"]


def test_an_invitation_link_is_no_way_around_the_second_factor(rt, client, workspace, make_workspace):
    import re

    from doctypes.email.model import EmailMessage

    make_workspace("beta")
    call(rt, lambda ctx: create_or_add(ctx, "ann@example.com", "acme", "owner", PASSWORD))
    call(rt, lambda ctx: create_or_add(ctx, "bo@example.com", "beta", "viewer", "bos long password"))
    bo = {"X-Frappe-CSRF-Token": client.post("/api/method/login", json={
        "usr": "bo@example.com", "pwd": "bos long password"}).json()["csrf_token"]}
    totp = pyotp.TOTP(client.post(API + "set_up_second_factor", headers=bo).json()["message"]["secret"])
    used = totp.now()
    client.post(API + "confirm_second_factor", json={"code": used}, headers=bo).raise_for_status()
    ann = {"X-Frappe-CSRF-Token": login(client).json()["csrf_token"]}
    client.post(API + "invite_member", json={"email": "bo@example.com", "role": "viewer"}, headers=ann).raise_for_status()
    token = re.search(r"/invite/(\S+)", EmailMessage.select().where(EmailMessage.to == "bo@example.com").get().body)[1]
    client.cookies.clear()
    body = {"token": token, "password": "bos long password"}
    assert client.post(API + "accept_invitation", json=body).json()["error_code"] == "otp_required"
    assert client.post(API + "accept_invitation", json={**body, "otp": used}).status_code == 401  # used already
    assert client.post(API + "accept_invitation", json={**body, "otp": totp.at(time.time() + 30)}).status_code == 200
