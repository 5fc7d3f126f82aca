"""What every business record shares: owner, recycle bin (BIN-01) and data log (LOG-01)."""
