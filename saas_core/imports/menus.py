"""Menu entries (registered on start-up)."""
