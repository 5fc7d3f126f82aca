from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from saas_core.accounts.permissions import boss_required
from tenants import services
from tenants.models import Tenant
from web.forms import add_service_errors
from web.widgets import use_time_zone_select


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = ["name", "time_zone", "currency", "recycle_bin_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_time_zone_select(self)


@boss_required
def company_settings(request: HttpRequest) -> HttpResponse:
    """Company name, default time zone and currency (PLT-08); users may override the time zone."""
    tenant = Tenant.objects.get(pk=request.tenant.pk)
    form = CompanyForm(request.POST or None, instance=Tenant.objects.get(pk=tenant.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_company(tenant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The company settings have been saved."))
            return redirect("tenants:company_settings")
    return render(request, "tenants/company_settings.html", {"form": form})
