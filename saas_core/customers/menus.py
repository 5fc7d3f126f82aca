"""Menu entries, workbench panels and 360° panels of customers (registered on start-up)."""
