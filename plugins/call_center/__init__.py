"""Module: call_center (see FEATURES.md); built in its own issue."""
