"""The real-time channel to the browser: one WebSocket per open tab, per company and user.

- ``routing``: the ASGI ``websocket`` application (``saas_core.asgi``) at ``/ws/events/``.
- ``auth.TenantSessionMiddleware``: resolves the company from the Host header at the handshake
  with the same domain lookup as HTTP (django-tenants resolves nothing for WebSocket scopes) and
  reads the session inside that company's schema; anything else is refused.
- ``groups``: every group name carries the company's schema, so an event is addressed to one
  user of one company and to nobody else, whatever a browser sends.
- ``services.notify_user``: what any feature calls to push an event (after commit).
- ``services.register_pending_source``: what a reconnecting tab is sent again ("calls ringing
  for me"), fed by the modules through the plugins app.
"""
