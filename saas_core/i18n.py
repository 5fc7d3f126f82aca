"""Choices shared by users and companies for their locale settings."""

import zoneinfo

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]
