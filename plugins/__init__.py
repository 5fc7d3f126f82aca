"""Optional modules: pluggy hook specifications, the plugin manager, per-tenant enablement.

The full module platform (PLT-06) lands with its own issue; this package fixes its place.
"""
