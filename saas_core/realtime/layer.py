"""The Redis channel layer, keyed by the installation's database.

Two installations (or two test runs) sharing one Redis would otherwise share group names such
as ``crm.t_acme.user.1``: the prefix carries the database name, read when the layer is made.
"""

from __future__ import annotations

from channels_redis.core import RedisChannelLayer
from django.conf import settings


class InstallationChannelLayer(RedisChannelLayer):
    def __init__(self, **config):
        config.setdefault("prefix", f"crm:{settings.DATABASES['default']['NAME']}:ws")
        super().__init__(**config)
