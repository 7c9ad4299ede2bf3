"""API keys: one live and one sandbox pair per workspace; secrets stored only as SHA-256."""
