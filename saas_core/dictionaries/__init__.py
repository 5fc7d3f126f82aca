"""Data dictionaries: tenant-editable pick-lists in both languages (DICT-01)."""
