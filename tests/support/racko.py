"""A Racko client for the /v2/ route tests: RACKO-API-KEY and RACKO-SECRET, and every answer
held to what the OpenAPI document declares for its route and status."""

from __future__ import annotations

import re
from typing import Any

from tests.support.conformance import check_answer


def racko_headers(keys: dict, environment: str = "live") -> dict[str, str]:
    """A workspace's key for `environment` as Racko's clients send it."""
    return {"RACKO-API-KEY": keys[environment]["api_key"], "RACKO-SECRET": keys[environment]["api_secret"]}


class Racko:
    """Calls /v2/ routes as one workspace's environment (`headers`), checking each answer."""

    def __init__(self, client: Any, document: dict[str, Any], headers: dict[str, str]) -> None:
        self.client = client
        self.document = document
        self.headers = headers

    def as_(self, headers: dict[str, str]) -> Racko:
        return Racko(self.client, self.document, headers)

    def call(self, verb: str, path: str, expect: int, **kwargs: Any) -> Any:
        """`verb path` (json=, params=); fails unless it answers `expect` as the document says."""
        response = self.client.request(verb, path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)
        assert response.status_code == expect, (verb, path, response.status_code, response.text[:500])
        body = response.json() if response.content else None
        check_answer(self.document, verb, self.template(path), response.status_code,
                     response.headers.get("content-type", ""), response.content, body)
        return body

    def template(self, path: str) -> str:
        bare = path.split("?")[0].rstrip("/")
        for template in self.document["paths"]:
            if re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")),
                            bare):
                return template
        raise AssertionError(f"{path} is no route of the document")
