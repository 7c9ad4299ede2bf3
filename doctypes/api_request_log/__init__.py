"""API request log: one row per authenticated call, for usage stats; pruned after 90 days."""
