"""The Boss's "Modules" page: what the company has, what it could add, what each does (PLT-06)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plugins import services
from saas_core.accounts.permissions import boss_required


@boss_required
def module_list(request: HttpRequest) -> HttpResponse:
    rows = services.modules_overview(request.tenant)
    return render(request, "plugins/modules.html", {
        "has": [r for r in rows if r.enabled], "could_add": [r for r in rows if not r.enabled],
    })
