"""Every dashboard page (read from hooks.page_routes): no other workspace's data and no other
environment's, and no error page for a bad query string."""

from __future__ import annotations

import types

import pytest

from tests.support.dashboard import add_person, app_routes, fill, post, query_names, seed, sign_in_headers
from tests.support.helpers import key_headers

OTHER, SANDBOX, LIVE = "OTHER-WS-MARKER", "SANDBOX-MARKER", "LIVE-MARKER"
# The pages that list something seed() made (a later page may join them): the seeded
# environment's data shows, so that its absence from the others means something.
LISTS_ITS_ENVIRONMENT = {"/app/products", "/app/parties", "/app/codes", "/app/scans", "/app/warranties",
                         "/app/trackers", "/app/trackers/{tracker_id}", "/app/webhooks", "/app/workspace",
                         "/app/serials", "/app/registrations", "/app/registration-forms", "/app/tracker-templates",
                         "/app/emails", "/app/items", "/app/items/{item}", "/app/warehouses", "/app/stock-ledger", "/app/stock-report",
                         "/app/purchase-orders", "/app/purchase-orders/{purchase_order}", "/app/sales-orders",
                         "/app/sales-orders/{order}", "/app/boms", "/app/builds", "/app/builds/{build}"}
BAD_VALUES = ("-1", "x", "nonsense", "9" * 40, "1e309", "a" * 5000, "ü€😀 ☃ \u202e", "' OR 1=1 --", "%", "\x00")


def switch(client, csrf: dict[str, str], environment: str) -> None:
    post(client, "session.api.switch", csrf, environment=environment)


@pytest.fixture
def seeded(client, rt, workspace, make_workspace):
    """Our live and sandbox data and another workspace's, each with its marker; ann (owner) and
    vic (viewer) of ours, and members and invitations on both sides."""
    other = make_workspace("other")
    data = types.SimpleNamespace(
        live=seed(client, key_headers(workspace), LIVE),
        sandbox=seed(client, key_headers(workspace, "sandbox"), SANDBOX),
        other=seed(client, key_headers(other), OTHER),
        other_sandbox=seed(client, key_headers(other, "sandbox"), OTHER + "-SB"),
        keys={"live": workspace["live"]["api_key"], "sandbox": workspace["sandbox"]["api_key"],
              "other": [other["live"]["api_key"], other["sandbox"]["api_key"]]},
    )
    add_person(rt, "ann@example.com", "owner")
    add_person(rt, "vic@example.com", "viewer")
    add_person(rt, "olaf@example.com", "owner", "other")
    add_person(rt, f"{OTHER.lower()}-member@example.com", "viewer", "other")
    post(client, "user.api.invite_member", sign_in_headers(client, "olaf@example.com"),
         email=f"{OTHER.lower()}-invitee@example.com", role="viewer")
    post(client, "user.api.invite_member", sign_in_headers(client, "ann@example.com"), email="invitee@example.com",
         role="operator")
    client.cookies.clear()
    return data


def _foreign(data, environment: str) -> list[str]:
    """What must never show in `environment` of our workspace."""
    mine, theirs = (data.live, data.sandbox) if environment == "live" else (data.sandbox, data.live)
    strings = [OTHER, SANDBOX if environment == "live" else LIVE, *data.keys["other"],
               data.keys["sandbox" if environment == "live" else "live"]]
    return strings + [code for codes in (data.other["codes"], data.other_sandbox["codes"], theirs["codes"])
                      for code in codes if code not in mine["codes"]]


def test_every_page_shows_its_workspace_and_environment_only(client, seeded):
    csrf = sign_in_headers(client, "ann@example.com")
    for environment, mine, marker in (("live", seeded.live, LIVE), ("sandbox", seeded.sandbox, SANDBOX)):
        switch(client, csrf, environment)
        foreign = _foreign(seeded, environment)
        others = [seeded.other, seeded.sandbox if environment == "live" else seeded.live]
        for route in app_routes():
            path = fill(route, mine)
            response = client.get(path)
            assert response.status_code == 200, f"{environment} {path}: {response.status_code}"
            text = response.text.lower()
            shown = [s for s in foreign if s.lower() in text]
            assert not shown, f"{environment} {path} shows {shown}"
            if route in LISTS_ITS_ENVIRONMENT:  # its marker, or its codes on the scans page
                assert any(s.lower() in text for s in (marker, *mine["codes"])), f"{environment} {path} lists no {marker}"
            if route != path:  # a detail page: another workspace's or environment's id is not found
                for theirs in others:
                    refused = client.get(fill(route, theirs))
                    assert refused.status_code == 404, f"{environment} {fill(route, theirs)}: {refused.status_code}"
                    assert not [s for s in foreign if s.lower() in refused.text.lower()]
        keys = client.get("/app/keys").text
        assert seeded.keys[environment] in keys


def _statuses(client, data) -> dict[tuple[str, str], int]:
    """Each page's route and path (placeholders filled), and what it answers to a plain request."""
    return {(route, fill(route, data.live)): client.get(fill(route, data.live)).status_code for route in app_routes()}


@pytest.mark.parametrize("email", ["ann@example.com", "vic@example.com"])
def test_every_page_answers_a_bad_query_string_with_a_page_not_a_500(client, seeded, email):
    sign_in_headers(client, email)
    plain = _statuses(client, seeded)
    allowed = {200} if email == "ann@example.com" else {200, 403}
    assert set(plain.values()) <= allowed, plain
    for (route, path), status in plain.items():
        for name in query_names(route):
            for value in BAD_VALUES:
                response = client.get(path, params={name: value})
                # 417: a list page refuses a filter value that does not exist (shell.BadListQuery),
                # and every page text no database stores (NUL), before it looks at who asks;
                # 404: a query that picks a record (?template=) names none
                assert response.status_code in {status, 404, 417}, f"{path}?{name}={value[:20]!r}: {response.status_code}"
                assert response.headers["content-type"].startswith("text/html")
