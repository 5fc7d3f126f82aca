"""The public site: home page and signup."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from saas_core import ratelimit
from saas_core.content_security import forms_may_go_to_workspaces
from saas_core.net import client_ip
from tenants import provisioning
from web.forms import add_service_errors


class SignupForm(forms.Form):
    """Field shapes only; provisioning.create_workspace checks the rules, all at once."""

    company_name = forms.CharField(label=_("Company name"), max_length=100)
    subdomain = forms.CharField(
        label=_("Workspace address"), max_length=30,
        help_text=_("Lower-case letters, digits and hyphens, e.g. acme"),
    )
    admin_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.CharField(label=_("E-mail"), max_length=254, widget=forms.EmailInput)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=None, required=False, empty_label=None,
        help_text=_("Your free trial starts on this plan; you choose again when you pay."),
    )

    def __init__(self, *args, **kwargs):
        from billing.models import Plan

        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(active=True)
        if not self.fields["plan"].queryset.exists():
            del self.fields["plan"]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public_home.html", {"features": advertised_features(), "add_ons": advertised_modules()})


def advertised_features() -> list[str]:
    """What a workspace has, from the permission registry: a part that is not built registers no
    module, so the public site never promises a page that answers 404 (issue 14)."""
    from saas_core.org.permissions import registered_modules

    return [str(m.label) for m in registered_modules() if m.business and m.plugin is None]


def advertised_modules() -> list[str]:
    """The optional modules installed here (pluggy plugins), which a company may add."""
    from plugins import manager

    return [str(info["name"]) for info in manager.module_infos()]


def workspace_url(request: HttpRequest, host: str, path: str) -> str:
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return f"{request.scheme}://{host}{'' if port == default else ':' + port}{path}"


@forms_may_go_to_workspaces
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Each signup clones a whole schema: SIGNUP_RATE per client address.
        wait = ratelimit.hit("signup", client_ip(request) or "-", ratelimit.parse_rate(settings.SIGNUP_RATE))
        if wait:
            minutes = -(-wait // 60)
            form.add_error(None, ngettext("Too many signups from your address. Try again in %(minutes)d minute.",
                                          "Too many signups from your address. Try again in %(minutes)d minutes.",
                                          minutes) % {"minutes": minutes})
            return ratelimit.too_many_requests(render(request, "web/signup.html", {"form": form}), wait)
        try:
            workspace = provisioning.create_workspace(**form.cleaned_data, language=get_language() or "")
        except provisioning.WorkspaceBusy as exc:
            add_service_errors(form, exc)
            response = render(request, "web/signup.html", {"form": form}, status=503)
            response["Retry-After"] = "60"
            return response
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(workspace_url(
                request, workspace.host, "/accounts/welcome/?" + urlencode({"ticket": workspace.login_token})
            ))
    return render(request, "web/signup.html", {"form": form})


@require_GET
def check_subdomain(request: HttpRequest) -> JsonResponse:
    """Live feedback for the signup form: is this address valid and free?"""
    from tenants.models import Tenant

    value = request.GET.get("subdomain", "")
    try:
        value = provisioning.validate_subdomain(value)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": exc.messages[0]})
    if Tenant.objects.filter(schema_name=provisioning.schema_name_for(value)).exists():
        return JsonResponse({"ok": False, "message": provisioning.subdomain_taken_error(value).messages[0]})
    return JsonResponse({"ok": True, "message": ""})
