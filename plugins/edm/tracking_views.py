"""The public tracking endpoints: the open pixel and the click redirect.

No session: a recipient's mail client calls them. A forged, altered or other company's token
gets 404 and nothing is revealed; the pixel is never cached, so each open reaches us.
"""

from __future__ import annotations

import base64

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from plugins.edm import tracking

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _agent(request: HttpRequest) -> str:
    return request.headers.get("User-Agent", "")


@never_cache
@require_http_methods(["GET", "HEAD"])
def pixel(request: HttpRequest, token: str) -> HttpResponse:
    found = tracking.read(token)
    if found is None or found[1] != tracking.OPEN:
        raise Http404
    if request.method == "GET":
        tracking.record_open(found[0], user_agent=_agent(request))
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
@require_http_methods(["GET", "HEAD"])
def click(request: HttpRequest, token: str) -> HttpResponse:
    found = tracking.read(token)
    if found is None or found[1] < 0:
        raise Http404
    url = tracking.follow(found[0], found[1], user_agent=_agent(request), method=request.method)
    if url is None:
        raise Http404
    response = HttpResponseRedirect(url)
    response["Referrer-Policy"] = "no-referrer"
    return response
