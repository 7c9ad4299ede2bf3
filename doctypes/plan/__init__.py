"""Plans: what a workspace may do (API access, code limit, rate limit)."""
