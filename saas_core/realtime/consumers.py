"""The browser's end of the channel: one consumer per open tab."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_tenants.utils import schema_context

from saas_core.realtime.groups import user_group
from saas_core.realtime.services import pending_events


class UserEventsConsumer(AsyncJsonWebsocketConsumer):
    """Joins the user's group in their company; answers ``{"action": "pending"}`` with the events
    a tab that was away should see (e.g. calls ringing for this user)."""

    group: str | None = None

    async def connect(self) -> None:
        tenant, user = self.scope.get("tenant"), self.scope.get("user")
        if tenant is None or user is None:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.group = user_group(tenant.schema_name, user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("action") == "pending":
            for event in await database_sync_to_async(self._pending)():
                await self.send_json(event)

    def _pending(self) -> list[dict]:
        with schema_context(self.scope["tenant"].schema_name):
            return pending_events(self.scope["user"])

    async def crm_event(self, message: dict) -> None:
        await self.send_json(message["event"])

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None  # a malformed frame is ignored, not a reason to drop the tab
