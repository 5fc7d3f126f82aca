"""Public schema: plans, modules and subscriptions mirrored from Stripe (see issue on billing)."""
