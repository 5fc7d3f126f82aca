"""SMS pages (thin: the work is in ``services``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def send(request):
    return render(request, "sms/send.html", {})


@login_required
def group(request):
    return render(request, "sms/send.html", {})


@login_required
def log(request):
    return render(request, "sms/send.html", {})


@login_required
def settings_page(request):
    return render(request, "sms/send.html", {})
