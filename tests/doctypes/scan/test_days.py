"""Scans' daily counts (ScanDay): kept with every scan and every changed verdict, equal to what
the scan rows say, filled by the migration that creates them, and what list totals read."""

from __future__ import annotations

from collections import Counter

import peewee
import pytest

from doctypes.scan.model import Scan, ScanCountryDay, ScanDay
from tests.support.helpers import issue_code, key_headers

VERIFY = "/api/method/doctypes.auth_code.api.verify_code"
ATTACH = "/api/method/doctypes.scan.api.attach_location"
LIST = "/api/method/doctypes.scan.api.list_scans"


def counted_from_scans() -> tuple[Counter, Counter]:
    day = peewee.fn.DATE(Scan.scanned_at).coerce(False)
    rows = list(Scan.select(Scan.workspace_id, Scan.is_sandbox, day, Scan.country, Scan.verdict).tuples())
    return (Counter((ws, bool(sb), str(d)[:10], verdict) for ws, sb, d, _, verdict in rows),
            Counter((ws, bool(sb), str(d)[:10], country) for ws, sb, d, country, _ in rows if country))


def counted_by_days() -> tuple[Counter, Counter]:
    verdicts = ScanDay.select(ScanDay.workspace_id, ScanDay.is_sandbox, ScanDay.day, ScanDay.verdict, ScanDay.scans)
    countries = ScanCountryDay.select(ScanCountryDay.workspace_id, ScanCountryDay.is_sandbox, ScanCountryDay.day,
                                      ScanCountryDay.country, ScanCountryDay.scans)
    return tuple(Counter({(ws, bool(sb), str(d)[:10], key): n for ws, sb, d, key, n in rows.tuples() if n})
                 for rows in (verdicts, countries))


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
    verdicts, countries = counted_by_days()
    assert {(sb, verdict): n for (_, sb, _, verdict), n in verdicts.items()} == {
        (False, "genuine"): 1, (False, "already_verified"): 2, (True, "genuine"): 1}
    assert {(sb, country): n for (_, sb, _, country), n in countries.items()} == {(False, "NL"): 2, (True, "DE"): 1}


def test_a_verdict_a_location_changes_moves_its_count(client, codes):
    live = codes[0]
    client.get(VERIFY, params={"code": live, "lat": -33.87, "lon": 151.21})
    token = client.get(VERIFY, params={"code": live}).json()["message"]["scan_token"]
    assert client.post(ATTACH, json={"scan_token": token, "lat": 48.85, "lon": 2.35}).json()["message"]["status"] == "suspicious"
    client.post(ATTACH, json={"scan_token": token, "lat": 1, "lon": 1})  # a second location changes nothing
    assert counted_by_days() == counted_from_scans()
    assert {verdict for (_, _, _, verdict) in counted_by_days()[0]} == {"genuine", "suspicious"}


def test_the_migration_that_creates_the_table_counts_the_scans_already_there(rt, client, codes):
    for _ in range(3):
        client.get(VERIFY, params={"code": codes[0], "country": "fr"})
    client.get(VERIFY, params={"code": codes[1]})
    expected = counted_from_scans()
    ScanDay.drop_table()
    ScanCountryDay.drop_table()
    assert {"create table scan_day", "create table scan_country_day"} <= set(rt.migrate())
    assert counted_by_days() == expected
    assert not rt.migrate()  # once: a second run adds nothing
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


def test_a_suspicious_scan_keeps_its_reasons_for_the_owners_list(client, codes, workspace):
    live = codes[0]
    client.get(VERIFY, params={"code": live, "lat": -33.87, "lon": 151.21})
    second = client.get(VERIFY, params={"code": live, "lat": 48.85, "lon": 2.35}).json()["message"]
    assert second["status"] == "suspicious" and second["reasons"]
    listed = client.get(LIST, headers=key_headers(workspace)).json()["message"]["data"]
    assert [scan["reasons"] for scan in listed] == [second["reasons"], []]
    token = client.get(VERIFY, params={"code": live}).json()["message"]["scan_token"]
    located = client.post(ATTACH, json={"scan_token": token, "lat": -33.87, "lon": 151.21}).json()["message"]
    newest = client.get(LIST, headers=key_headers(workspace)).json()["message"]["data"][0]
    assert newest["verdict"] == located["status"] == "suspicious" and newest["reasons"] == located["reasons"]
