"""Billing models arrive with the billing issue (PLT-05); the app exists so its place is fixed."""
