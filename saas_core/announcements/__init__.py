"""Internal announcements with read receipts (SYS-02)."""
