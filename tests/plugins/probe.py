"""A separate process for tests/plugins/test_two_processes.py: answers which modules a tenant has.

Reads one schema name per line on stdin and prints that tenant's enabled module keys as a
JSON list, through ``plugins.enablement`` exactly as a web or worker process uses it (its
per-process cache included).
"""

import json
import sys

import django

django.setup()

from django_tenants.utils import schema_context  # noqa: E402

from plugins import enablement  # noqa: E402

print("ready", flush=True)
for line in sys.stdin:
    schema = line.strip()
    with schema_context(schema):
        keys = sorted(enablement.enabled_modules())
        relay_keys = sorted({e["key"] for e in enablement.flatten(enablement.hooks_for().crm_menu_entries())})
    print(json.dumps({"modules": keys, "menu": relay_keys}), flush=True)
