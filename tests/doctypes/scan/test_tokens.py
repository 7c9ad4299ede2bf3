"""Scan tokens name one scan, for a limited time, and cannot be made without the server's key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from doctypes.scan import tokens

SECRET = "a server secret"
NOW = 1_800_000_000.0


def test_a_token_names_its_scan_until_it_expires():
    token = tokens.issue(SECRET, 4321, now=NOW)
    assert tokens.scan_id_from(SECRET, token, max_age=600, now=NOW) == 4321
    assert tokens.scan_id_from(SECRET, token, max_age=600, now=NOW + 600) == 4321
    assert tokens.scan_id_from(SECRET, token, max_age=600, now=NOW + 601) is None
    # From a web process whose clock runs a little behind: accepted; from far in the future: not.
    assert tokens.scan_id_from(SECRET, token, max_age=600, now=NOW - 3) == 4321
    assert tokens.scan_id_from(SECRET, token, max_age=600, now=NOW - 60) is None


def test_changing_any_part_or_the_key_breaks_it():
    token = tokens.issue(SECRET, 4321, now=NOW)
    scan, issued, signature = token.split(".")
    assert tokens.scan_id_from("another secret", token, max_age=600, now=NOW) is None
    forged = [
        f"4322.{issued}.{signature}",  # another scan
        f"{scan}.{int(issued, 16) + 600:x}.{signature}",  # a longer life
        f"{scan}.{issued}.{signature[:-1]}{'0' if signature[-1] != '0' else '1'}",
        f"{scan}.{issued}.{signature.upper()}",
        f"{scan}.{issued}",
        f"{scan}..{signature}",
        token + "x",
        "",
    ]
    for text in forged:
        assert tokens.scan_id_from(SECRET, text, max_age=600, now=NOW) is None, text


@given(st.text(max_size=200))
def test_any_text_is_refused_quietly(text):
    # Whatever a client posts (non-ASCII digits and signatures included) is "no scan", never an error.
    assert tokens.scan_id_from(SECRET, text, max_age=600, now=NOW) is None


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_every_scan_id_round_trips(scan_id):
    assert tokens.scan_id_from(SECRET, tokens.issue(SECRET, scan_id, now=NOW), max_age=600, now=NOW) == scan_id
