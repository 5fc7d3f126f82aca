"""Public pools (公海, CUS-06): release, claim and reclaim of customers under rules."""
