from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from saas_core import devmail
from saas_core.accounts.models import LoginAttempt
from saas_core.api import api_error, is_api_request
from web import search as global_search
from web import workbench as workbench_panels


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.user.is_boss:
        context["recent_failures"] = LoginAttempt.objects.filter(success=False).select_related("user")[:5]
    context["last_logins"] = LoginAttempt.objects.filter(user=request.user, success=True).exclude(
        reason=LoginAttempt.Reason.LOGOUT
    )[:2]
    context["panels"] = workbench_panels.panels_for(request)
    return render(request, "web/workbench.html", context)


SUGGESTIONS_PER_GROUP = 5
RESULTS_PER_GROUP = 20


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The global search's results page (Enter in the top bar's box): every source, grouped."""
    query = request.GET.get("q", "")
    return render(request, "web/search.html", {
        "query": query.strip(), "groups": global_search.search(request, query, RESULTS_PER_GROUP),
    })


@login_required
@require_GET
def search_suggest(request: HttpRequest) -> HttpResponse:
    """The drop-down under the top bar's search box (an HTML fragment fetched as the user types)."""
    query = request.GET.get("q", "")
    return render(request, "web/_search_suggest.html", {
        "query": query.strip(), "groups": global_search.search(request, query, SUGGESTIONS_PER_GROUP),
    })


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the UI language; a signed-in user keeps it as their preference."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if translation.check_for_language(language):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user.language = language
            user.save(update_fields=["language"])
        response.set_cookie("django_language", language, samesite="Lax", httponly=True, max_age=365 * 24 * 3600)
    return response


def dev_mail(request: HttpRequest) -> HttpResponse:
    """What the dev run's mail catcher received (saas_core.devmail); a 404 anywhere else."""
    if not settings.DEV_MAIL_DIR:
        raise Http404
    return render(request, "web/dev_mail.html", {"mails": devmail.caught(settings.DEV_MAIL_DIR)})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if is_api_request(request):
        return api_error(403, exception)
    message = str(exception) if exception and str(exception) else None
    return render(request, "web/403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if is_api_request(request):
        return api_error(404)
    return render(request, "web/404.html", status=404)
