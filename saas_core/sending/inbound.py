"""The public endpoint providers post their callbacks to: verify, store, answer; process later.

No session, no CSRF token (a provider has neither); the handler's signature check is the only
key. Unknown kinds, kinds of a module that is off here, and bad signatures all get the same 404:
the endpoint tells a prober nothing.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saas_core.sending import callbacks


@csrf_exempt
@require_POST
def callback(request: HttpRequest, kind: str) -> HttpResponse:
    handler = callbacks.handler(kind)
    if handler is None or len(request.body) > callbacks.MAX_BODY or not handler.enabled(request):
        raise Http404
    if not handler.verify(request):
        raise Http404
    headers = {k: v for k, v in request.headers.items() if k.lower() not in ("cookie", "authorization")}
    callbacks.receive(kind, request.body, headers)
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the confirmation page (never unsubscribes by itself); POST: unsubscribe now (RFC 8058)."""
    from django.shortcuts import render

    from saas_core.sending import unsubscribe as subscriptions

    found = subscriptions.read(token)
    if found is None:
        raise Http404
    done = False
    if request.method == "POST":
        subscriptions.unsubscribe(found)
        done = True
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    company = getattr(getattr(request, "tenant", None), "name", "")
    return render(request, "sending/unsubscribe.html", {"done": done, "address": subscriptions.masked(found.address),
                                                        "company": company})
