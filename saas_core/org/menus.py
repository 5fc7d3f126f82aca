"""Menu entries of this app (registered on start-up, see web.menu)."""
