"""The Boss's system settings page (SYS-01)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from saas_core.org.access import boss_required
from saas_core.system import services
from saas_core.system.forms import SystemSettingsForm
from web.forms import add_service_errors


@boss_required
def system_settings(request: HttpRequest) -> HttpResponse:
    form = SystemSettingsForm(request.POST or None, instance=services.current())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The system settings have been saved."))
            return redirect("system:settings")
    return render(request, "system/settings.html", {"form": form}, status=400 if form.errors else 200)
