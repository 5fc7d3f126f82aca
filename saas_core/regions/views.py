from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control

from saas_core import regions


@login_required
@cache_control(private=True, max_age=24 * 3600)
def picker_data(request: HttpRequest) -> JsonResponse:
    """The provinces, cities and districts with their search words, for the region picker."""
    return JsonResponse(regions.picker_data(), safe=False, json_dumps_params={"ensure_ascii": False})
