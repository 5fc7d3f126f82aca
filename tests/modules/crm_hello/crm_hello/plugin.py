"""Hook implementations of the hello module (uses nothing of the CRM but its hook markers)."""

import os

from django.http import HttpResponse, JsonResponse
from django.urls import path

from plugins.hookspecs import hookimpl


def hello_page(request):
    return HttpResponse(f"Hello from a third-party module in {request.tenant.name}")


def ping(request):
    return JsonResponse({"module": "hello", "tenant": request.tenant.schema_name})


@hookimpl
def crm_module_info():
    return {"key": "hello", "name": "Hello", "description": "Says hello.", "order": 900}


@hookimpl
def crm_urlpatterns():
    return [path("", hello_page, name="page")]


@hookimpl
def crm_api_urlpatterns():
    return [path("ping/", ping, name="ping")]


@hookimpl
def crm_menu_entries():
    return [{"key": "hello", "label": "Hello", "url_name": "hello:page", "section": "tools", "order": 90}]


@hookimpl
def crm_customer_created(customer, user):
    """Writes who created which customer into the file the test names (HELLO_EVENTS_FILE)."""
    target = os.environ.get("HELLO_EVENTS_FILE")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"{customer.name}\n")
