"""The CLI, run as a user would: the installed console script, from a scratch directory."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

import pytest

from tests.support.processes import SCRIPT, command_env


@pytest.fixture
def cli(tmp_path):
    """Run `traciqo-rpc ...` in tmp_path with a SQLite file and data folder relative to it."""
    env = command_env(TRACIQO_LOG_LEVEL="WARNING")

    def run(*args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run([SCRIPT, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                                input=stdin)
        if check and result.returncode != 0:
            raise AssertionError(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    run("migrate")
    run("fixtures")
    return run


def test_relative_paths_are_relative_to_the_working_directory(cli, tmp_path):
    assert (tmp_path / "traciqo.db").exists()


def test_workspace_create_json_shape(cli):
    created = json.loads(cli("workspace", "create", "--name", "Acme Ltd", "--plan", "pro", "--json").stdout)
    assert set(created) == {"workspace", "plan", "live", "sandbox"}
    assert (created["workspace"], created["plan"]) == ("Acme Ltd", "pro")
    for env, prefix in (("live", "tq_live_"), ("sandbox", "tq_test_")):
        assert set(created[env]) == {"api_key", "api_secret"}
        assert created[env]["api_key"].startswith(prefix)


def test_workspace_create_refusals(cli):
    cli("workspace", "create", "--name", "dup")
    again = cli("workspace", "create", "--name", "dup", check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    unknown = cli("workspace", "create", "--name", "x", "--plan", "platinum", check=False)
    assert unknown.returncode == 1 and "platinum" in unknown.stderr


def test_freeze_unfreeze_and_set_plan(cli):
    cli("workspace", "create", "--name", "cold")
    assert "frozen" in cli("workspace", "freeze", "--name", "cold").stdout
    assert "active" in cli("workspace", "unfreeze", "--name", "cold").stdout
    assert "enterprise" in cli("workspace", "set-plan", "--name", "cold", "--plan", "enterprise").stdout
    missing = cli("workspace", "freeze", "--name", "nobody", check=False)
    assert missing.returncode == 1


def test_rotate_secret(cli):
    created = json.loads(cli("workspace", "create", "--name", "r", "--json").stdout)
    rotated = json.loads(cli("workspace", "rotate-secret", "--name", "r", "--environment", "sandbox", "--json").stdout)
    assert rotated["api_key"] == created["sandbox"]["api_key"]
    assert rotated["api_secret"] != created["sandbox"]["api_secret"]


def test_demo_keys_are_printed_once_and_kept_private(cli, tmp_path):
    first = cli("demo").stdout
    keys = json.loads((tmp_path / "data" / "demo-keys.json").read_text())
    assert keys["live"]["api_secret"] in first
    assert keys["login"]["email"] == "demo@example.com" and keys["login"]["password"] in first
    assert stat.S_IMODE((tmp_path / "data" / "demo-keys.json").stat().st_mode) == 0o600
    second = cli("demo").stdout
    assert keys["live"]["api_secret"] not in second and keys["login"]["password"] not in second
    assert "demo-keys.json" in second and "rotate-secret" in second


def test_migrate_is_safe_to_rerun_on_data(cli):
    cli("workspace", "create", "--name", "keep")
    assert "up to date" in cli("migrate").stdout
    assert "up to date" in cli("migrate").stdout
    assert cli("fixtures").returncode == 0
    assert cli("workspace", "create", "--name", "keep", check=False).returncode == 1  # still there


def test_worker_refuses_without_redis(cli):
    result = cli("worker", check=False)
    assert result.returncode == 2
    assert "TRACIQO_REDIS_URL" in result.stderr


def test_codes_export_streams_a_batch(cli, tmp_path):
    import csv

    created = json.loads(cli("workspace", "create", "--name", "Exporter", "--plan", "pro", "--json").stdout)
    script = (
        "import sys;from starlette.testclient import TestClient;from traciqo_rpc.app import create_app;"
        "c=TestClient(create_app());"
        "h={'Authorization':'token '+sys.argv[1]};"
        "r=c.post('/api/method/doctypes.auth_code.api.create_code',json={'batch_name':'B','quantity':250},headers=h);"
        "assert r.status_code==200, r.text"
    )
    subprocess.run([sys.executable, "-c", script, f"{created['live']['api_key']}:{created['live']['api_secret']}"],
                   cwd=tmp_path, check=True, capture_output=True, timeout=60,
                   env=command_env(TRACIQO_LOG_LEVEL="WARNING"))
    result = cli("codes", "export", "--workspace", "Exporter", "--batch", "B", "--out", "codes.csv")
    assert "250 codes written" in result.stderr
    rows = list(csv.DictReader((tmp_path / "codes.csv").open()))
    assert len(rows) == 250
    assert rows[0]["verification_url"] == f"http://127.0.0.1:8000/v/{rows[0]['code']}"
    missing = cli("codes", "export", "--workspace", "Exporter", "--batch", "nope", "--out", "x.csv", check=False)
    assert missing.returncode == 1 and "nope" in missing.stderr
    sandbox = cli("codes", "export", "--workspace", "Exporter", "--batch", "B", "--sandbox", "--out", "s.csv", check=False)
    assert sandbox.returncode == 1


def test_user_create_with_a_generated_or_given_password(cli):
    """Each account is created once; the same email joins another workspace with another role."""
    cli("workspace", "create", "--name", "acme")
    cli("workspace", "create", "--name", "beta")
    made = cli("user", "create", "--email", "Ann@Example.com", "--workspace", "acme", "--role", "owner").stdout
    assert "ann@example.com is owner of acme." in made and "Password (shown once): " in made
    added = cli("user", "create", "--email", "ann@example.com", "--workspace", "beta", "--role", "viewer").stdout
    assert "ann@example.com is viewer of beta." in added and "Password" not in added
    given = cli("user", "create", "--email", "bob@example.com", "--workspace", "acme", "--role", "operator",
                "--password-stdin", stdin="a long enough secret\n").stdout
    assert "bob@example.com is operator of acme." in given and "Password" not in given
    short = cli("user", "create", "--email", "eve@example.com", "--workspace", "acme", "--password-stdin",
                stdin="short\n", check=False)
    assert short.returncode != 0 and "10" in short.stderr
    nowhere = cli("user", "create", "--email", "eve@example.com", "--workspace", "nowhere", check=False)
    assert nowhere.returncode != 0 and "nowhere" in nowhere.stderr
