"""Schemathesis against /api/openapi.json, in process over ASGI: every operation, called with a
valid key and arguments drawn from its schema, never answers 5xx nor anything the document
does not declare (status, media type, body, headers).

Bounded for CI (a few derandomised examples per operation); TRACIQO_SCHEMATHESIS_EXAMPLES=200
(and TRACIQO_SCHEMATHESIS_RANDOM=1) turns it into a longer search.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import hooks as project_hooks
from traciqo_rpc import openapi, registry, rest, runtime, wiring

EXAMPLES = int(os.environ.get("TRACIQO_SCHEMATHESIS_EXAMPLES", "5"))
RANDOM = os.environ.get("TRACIQO_SCHEMATHESIS_RANDOM") == "1"


def _operations() -> list[tuple[str, str]]:
    wired = wiring.load()
    routes = rest.RestRouter(runtime.rest_routes(wired)).routes()
    document = openapi.build(registry.collect(wired.modules, wired.method_aliases), routes, sorted(wired.resources))
    return sorted((verb.upper(), path) for path, operations in document["paths"].items() for verb in operations)


@pytest.mark.parametrize(("verb", "path"), _operations())
def test_answers_keep_to_the_document(make_app, make_workspace, verb, path):
    app = make_app(method_modules=project_hooks.method_modules)  # the project's methods, not the tests'
    keys = make_workspace()["live"]
    config = schemathesis.Config.from_dict({
        "auth": {"openapi": {"token": {"api_key": f"token {keys['api_key']}:{keys['api_secret']}"}}},
        # A valid-looking argument may still break a rule (a product that does not exist): 417, not 2xx.
        "checks": {"positive_data_acceptance": {"enabled": False},
                   "negative_data_rejection": {"expected-statuses": ["400", "401", "403", "404", "405", "409", "413", "417", "429"]}},
    })
    operation = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config)[path][verb]

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(case=st.one_of(operation.as_strategy(), operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)))
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate()

    call()
