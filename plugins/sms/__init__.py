"""Module: SMS gateway (SMS-01). A tenant app in every schema; reaches the core only through the
hooks (``plugin.py``) and the core's documented public APIs (README "Writing a module")."""
