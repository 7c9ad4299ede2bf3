"""Workspaces: the tenant. Each has one plan and exactly one live and one sandbox key."""
