"""hooks.py is data checked at start-up; the registry is frozen."""

from __future__ import annotations

import types

import pytest

import hooks
from traciqo_rpc import wiring
from traciqo_rpc.app import create_app
from traciqo_rpc.registry import MethodSpec


def test_every_hook_entry_resolves():
    wired = wiring.load(hooks)
    assert wired.principal_loader.__name__ == "load_principal"
    assert wired.request_log_writer.__name__ == "write_batch"
    assert all(callable(job) for job in wired.scheduled_jobs)
    assert set(wired.fixtures) == set(hooks.fixtures)
    names = {m._meta.table_name for m in wired.models}
    assert {"plan", "workspace", "api_key", "api_request_log"} <= names


def test_registry_is_frozen_and_has_the_public_methods(rt):
    methods = rt.registry.methods
    for path in ("traciqo_rpc.api.ping", "traciqo_rpc.api.whoami",
                 "doctypes.api_key.api.rotate_api_secret", "doctypes.api_key.api.get_api_usage"):
        assert isinstance(methods[path], MethodSpec)
    with pytest.raises(TypeError):
        methods["os.system"] = methods["traciqo_rpc.api.ping"]  # type: ignore[index]


def _hooks(**overrides):
    values = {k: v for k, v in vars(hooks).items() if not k.startswith("__")}
    values.update(overrides)
    return types.SimpleNamespace(**values)


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"doctypes": ["plan", "no_such_doctype"]}, "no_such_doctype"),
        ({"principal_loader": "doctypes.api_key.service.missing"}, "has no 'missing'"),
        ({"fixtures": {"plans.json": "nowhere.at_all"}}, "cannot import 'nowhere'"),
        ({"scheduled_jobs": {"doctypes.plan.service.get_plan": 60}}, "not a job"),
        ({"method_aliases": {"old.path": "doctypes.nothing.api.x"}}, "not whitelisted"),
    ],
)
def test_bad_hook_stops_start_up(settings, overrides, message):
    with pytest.raises(wiring.HookError, match=message):
        create_app(settings, hooks=_hooks(**overrides))


def test_method_alias_serves_the_target(make_app):
    from starlette.testclient import TestClient

    app = make_app(method_aliases={"legacy.app.api.ping": "traciqo_rpc.api.ping"})
    with TestClient(app) as client:
        assert client.get("/api/method/legacy.app.api.ping").json() == {"message": "pong"}
