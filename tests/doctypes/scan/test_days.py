"""Scans' daily counts (ScanDay): kept with every scan and every changed verdict, equal to what
the scan rows say, filled by the migration that creates them, and what list totals read."""

from __future__ import annotations

from collections import Counter

import peewee
import pytest

from doctypes.scan.model import Scan, ScanDay
from tests.support.helpers import issue_code, key_headers

VERIFY = "/api/method/doctypes.auth_code.api.verify_code"
ATTACH = "/api/method/doctypes.scan.api.attach_location"
LIST = "/api/method/doctypes.scan.api.list_scans"


def counted_from_scans() -> Counter:
    day = peewee.fn.DATE(Scan.scanned_at).coerce(False)
    rows = Scan.select(Scan.workspace_id, Scan.is_sandbox, day, Scan.country, Scan.verdict).tuples()
    return Counter((ws, bool(sb), str(d)[:10], country or "", verdict) for ws, sb, d, country, verdict in rows)


def counted_by_days() -> Counter:
    rows = ScanDay.select(ScanDay.workspace_id, ScanDay.is_sandbox, ScanDay.day, ScanDay.country, ScanDay.verdict,
                          ScanDay.scans).tuples()
    return Counter({(ws, bool(sb), str(d)[:10], c, v): n for ws, sb, d, c, v, n in rows if n})


@pytest.fixture
def codes(client, workspace):
    live, sandbox = key_headers(workspace), key_headers(workspace, "sandbox")
    return issue_code(client, live, name="Vase"), issue_code(client, sandbox, name="Vase")


def test_every_scan_is_counted_on_its_day_by_country_and_verdict(client, codes, workspace):
    live, sandbox = codes
    for params in ({"code": live, "country": "nl"}, {"code": live, "country": "nl"}, {"code": live},
                   {"code": sandbox, "country": "de"}, {"code": "NOT-A-CODE"}):
        client.get(VERIFY, params=params)
    assert counted_by_days() == counted_from_scans()
    keys = {(sb, country, verdict): n for (_, sb, _, country, verdict), n in counted_by_days().items()}
    assert keys == {(False, "NL", "genuine"): 1, (False, "NL", "already_verified"): 1, (False, "", "already_verified"): 1,
                    (True, "DE", "genuine"): 1}


def test_a_verdict_a_location_changes_moves_its_count(client, codes):
    live = codes[0]
    client.get(VERIFY, params={"code": live, "lat": -33.87, "lon": 151.21})
    token = client.get(VERIFY, params={"code": live}).json()["message"]["scan_token"]
    assert client.post(ATTACH, json={"scan_token": token, "lat": 48.85, "lon": 2.35}).json()["message"]["status"] == "suspicious"
    client.post(ATTACH, json={"scan_token": token, "lat": 1, "lon": 1})  # a second location changes nothing
    assert counted_by_days() == counted_from_scans()
    assert {v for (_, _, _, _, v) in counted_by_days()} == {"genuine", "suspicious"}


def test_the_migration_that_creates_the_table_counts_the_scans_already_there(rt, client, codes):
    for _ in range(3):
        client.get(VERIFY, params={"code": codes[0], "country": "fr"})
    client.get(VERIFY, params={"code": codes[1]})
    expected = counted_from_scans()
    ScanDay.drop_table()
    assert "create table scan_day" in rt.migrate()
    assert counted_by_days() == expected
    assert "create table scan_day" not in rt.migrate()  # once: a second run adds nothing
    assert counted_by_days() == expected


def test_list_totals_come_from_the_counts_and_agree_with_the_rows(client, codes, workspace, make_workspace):
    live = codes[0]
    for _ in range(3):
        client.get(VERIFY, params={"code": live})
    headers = key_headers(workspace)
    page = client.get(LIST, params={"limit": 2}, headers=headers).json()["message"]
    assert page["total"] == 3 and len(page["data"]) == 2 and page["data"][0]["id"] > page["data"][1]["id"]
    assert client.get(LIST, params={"verdict": "already_verified"}, headers=headers).json()["message"]["total"] == 2
    assert client.get(LIST, params={"code": live}, headers=headers).json()["message"]["total"] == 3
    sandbox = client.get(LIST, headers=key_headers(workspace, "sandbox")).json()["message"]
    assert sandbox["total"] == 0 and sandbox["data"] == []
    assert client.get(LIST, headers=key_headers(make_workspace("other"))).json()["message"]["total"] == 0
