"""The workbench's "first steps" card for a new company's Boss (issue 14: the first hour needs no
documentation): add a customer, record a follow-up, give out a task, write the daily report,
invite a colleague. Each step links to its form and is ticked once done; the card goes away
when every step is."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STEPS = (
    ("customer", _("Add your first customer"), "customers:create", ""),
    ("followup", _("Record a follow-up with them"), "activities:followup_create", ""),
    ("task", _("Give someone a task"), "activities:task_create", "?kind=task"),
    ("report", _("Write today's daily report"), "activities:report_write", ""),
    ("colleague", _("Invite a colleague"), "accounts:user_invite", ""),
)


def _done() -> dict[str, bool]:
    from saas_core.accounts.models import User
    from saas_core.activities.models import DailyReport, FollowUp, Task
    from saas_core.customers.models import Customer

    return {
        "customer": Customer.objects.exists(),
        "followup": FollowUp.objects.exists(),
        "task": Task.objects.filter(kind="task").exists(),
        "report": DailyReport.objects.exists(),
        "colleague": User.objects.count() > 1,
    }


def first_steps(request) -> dict | None:
    """The card's context for the Boss while a step is left (None hides it)."""
    if not getattr(request.user, "is_boss", False):
        return None
    done = _done()
    if all(done.values()):
        return None
    today = {"day": timezone.localdate().isoformat()}
    steps = [{"key": key, "label": label, "done": done[key],
              "url": reverse(url_name, kwargs=today if key == "report" else None) + query}
             for key, label, url_name, query in STEPS]
    return {"steps": steps, "left": sum(not s["done"] for s in steps)}
