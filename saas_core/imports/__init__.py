"""Import and export jobs (CUS-08): files in, rows validated in batches by Celery, a report out."""
