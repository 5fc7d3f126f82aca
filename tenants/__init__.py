"""Public schema: tenants (companies), their domains, signup and provisioning."""
