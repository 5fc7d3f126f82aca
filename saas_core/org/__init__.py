"""Organisation: departments, roles with module permissions and special rights, data scope (ROLE-01..03)."""
