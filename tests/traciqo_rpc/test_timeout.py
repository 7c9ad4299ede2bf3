"""timeout: a call past its budget (TRACIQO_REQUEST_TIMEOUT) answers 504 `timeout` at once, on
/api/method and on Racko's routes, and nothing it wrote is kept; a call in time is untouched."""

from __future__ import annotations

import time

import pytest
from marshmallow import Schema, fields
from starlette.testclient import TestClient

import hooks as project_hooks
from doctypes.item.racko import RACKO
from tests.support.helpers import key_headers
from tests.support.methods import JobMark
from traciqo_rpc import RequestContext, errors, whitelist
from traciqo_rpc.budget import Budget
from traciqo_rpc.rest import RestRoute

SLOW = "/api/method/tests.traciqo_rpc.test_timeout.slow_write"


class SlowArgs(Schema):
    label = fields.String(required=True)
    seconds = fields.Float(load_default=0.0)


@whitelist(methods=["POST"], schema=SlowArgs, returns=fields.String())
def slow_write(ctx: RequestContext, label: str, seconds: float) -> str:
    """Writes a row, then takes its time: a method that exists only in this test."""
    JobMark.create(label=label)
    time.sleep(seconds)
    return label




@pytest.fixture
def slow_app(make_app, settings):
    """The project with slow_write, at /api/method and at Racko's POST /v2/slow, and a 0.5 s budget."""
    return make_app(settings.with_changes(request_timeout=0.5),
                    method_modules=[*project_hooks.method_modules, "tests.support.methods",
                                    "tests.traciqo_rpc.test_timeout"],
                    rest_routes={**project_hooks.rest_routes, "POST /v2/slow": "tests.traciqo_rpc.test_timeout.SLOW_ROUTE"})


SLOW_ROUTE = RestRoute("tests.traciqo_rpc.test_timeout.slow_write", RACKO)


def wait_for_the_call_to_end() -> None:
    time.sleep(2.0)  # the slow call's thread ends its sleep and rolls back


def marks(label: str) -> int:
    return JobMark.select().where(JobMark.label == label).count()


def test_a_slow_call_answers_504_at_its_budget_and_keeps_nothing(slow_app):
    from doctypes.workspace.service import create_workspace
    from tests.support.helpers import call

    headers = key_headers(call(slow_app.state.runtime, lambda ctx: create_workspace(ctx, "slow", "pro")))
    with TestClient(slow_app) as client:
        started = time.monotonic()
        late = client.post(SLOW, headers=headers, json={"label": "late", "seconds": 1.5})
        assert late.status_code == 504 and time.monotonic() - started < 1.4
        assert late.json()["error_code"] == "timeout" and late.json()["exc_type"] == "RequestTimedOut"
        assert late.json()["exception"] == "The request timed out. Please try again later."

        racko = client.post("/v2/slow", headers={"RACKO-API-KEY": headers["X-Traciqo-API-Key"],
                                                 "RACKO-SECRET": headers["X-Traciqo-API-Secret"]},
                            json={"label": "late-racko", "seconds": 1.5})
        assert racko.status_code == 504
        assert racko.json() == {"code": "timeout", "description": "The request timed out. Please try again later."}

        wait_for_the_call_to_end()  # (on SQLite the slow calls hold the write lock until then)
        assert marks("late") == 0 and marks("late-racko") == 0  # rolled back, not half-written
        in_time = client.post(SLOW, headers=headers, json={"label": "in-time", "seconds": 0})
        assert in_time.status_code == 200 and in_time.json() == {"message": "in-time"}
        assert marks("in-time") == 1


def test_no_budget_when_turned_off(make_app, settings):
    from doctypes.workspace.service import create_workspace
    from tests.support.helpers import call

    app = make_app(settings.with_changes(request_timeout=0),
                   method_modules=[*project_hooks.method_modules, "tests.support.methods",
                                   "tests.traciqo_rpc.test_timeout"])
    headers = key_headers(call(app.state.runtime, lambda ctx: create_workspace(ctx, "patient", "pro")))
    with TestClient(app) as client:
        assert client.post(SLOW, headers=headers, json={"label": "slow", "seconds": 0.7}).status_code == 200
    assert marks("slow") == 1


def test_the_budget_has_one_outcome():
    expired = Budget(time.monotonic() + 60)
    assert expired.expire()  # the waiting side answered 504 first ...
    with pytest.raises(errors.RequestTimedOut):
        expired.claim_commit()  # ... so the work may not commit
    committing = Budget(time.monotonic() + 60)
    committing.claim_commit()  # the work started committing in time ...
    assert not committing.expire()  # ... so the waiting side waits for it
    late = Budget(time.monotonic() - 1)
    with pytest.raises(errors.RequestTimedOut):
        late.guard(lambda: pytest.fail("never started past its budget"))()
    assert Budget.of(0, time.monotonic()) is None


def test_the_setting_reads_the_environment(monkeypatch):
    from traciqo_rpc.settings import Settings

    assert Settings().request_timeout == 30.0
    monkeypatch.setenv("TRACIQO_REQUEST_TIMEOUT", "2.5")
    assert Settings.from_env().request_timeout == 2.5
