"""The Boss's "Modules" page: what the company has, what it could add, what each does (PLT-06)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plugins import services
from saas_core.accounts.permissions import boss_required


@boss_required
def module_list(request: HttpRequest) -> HttpResponse:
    from billing.models import Module

    rows = services.modules_overview(request.tenant)
    # "Add to subscription" (to the Subscription page with the module ticked) for a module on sale
    # that the subscription lacks, shown to whoever may change the subscription (the Boss).
    addable = set(Module.objects.for_sale().values_list("key", flat=True)) if request.user.is_boss else set()
    return render(request, "plugins/modules.html", {
        "has": [r for r in rows if r.enabled], "could_add": [r for r in rows if not r.enabled],
        "addable": {r.key for r in rows if r.source == "none" and r.key in addable},
    })
