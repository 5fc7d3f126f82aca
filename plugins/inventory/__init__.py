"""Module: inventory (see FEATURES.md); built in its own issue."""
