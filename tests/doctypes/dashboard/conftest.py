"""Fixtures shared by the dashboard's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.dashboard import add_person


@pytest.fixture
def member(rt, workspace) -> Callable[..., None]:
    """Adds a person (signing in with dashboard.PASSWORD) to a workspace, `acme` unless named."""
    def add(email: str, role: str, workspace_name: str = "acme") -> None:
        add_person(rt, email, role, workspace_name)
    return add
