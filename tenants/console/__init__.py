"""The vendor console at ``/console/`` on the public host: the vendor's own staff (``accounts.User``
rows of the public schema with ``is_staff``) list companies and switch modules per company.

Views stay thin: module switches go through ``billing.overrides.set_override``.
"""
