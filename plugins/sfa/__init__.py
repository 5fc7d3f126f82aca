"""Module: sfa (see FEATURES.md); built in its own issue."""
