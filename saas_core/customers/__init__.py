"""Customers and contacts (CUS-01..09, CON-01): the heart of the CRM."""
