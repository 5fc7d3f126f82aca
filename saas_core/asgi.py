import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_core.settings")
django_application = get_asgi_application()

# Refuse to serve on a PostgreSQL whose lock table is below what signups need (README).
from tenants.dbcheck import require_fitting_server  # noqa: E402

require_fitting_server("web")

# After Django is set up: the WebSocket side imports models (README "The real-time channel").
from channels.routing import ProtocolTypeRouter  # noqa: E402

from saas_core.realtime.routing import application as websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application})
