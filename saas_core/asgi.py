import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_core.settings")
application = get_asgi_application()

# Refuse to serve on a PostgreSQL whose lock table is below what signups need (README).
from tenants.dbcheck import require_fitting_server  # noqa: E402

require_fitting_server("web")
