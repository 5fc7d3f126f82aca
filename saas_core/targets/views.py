"""The target entry page (TGT-01): a grid of months × the company, departments and people the user
sees, for one measure and year; quarters and the year derived; bulk entry in one post; the
warnings where children sum above their parent; actuals and completion % for the year."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from saas_core.org.access import permission_required
from saas_core.targets import measures, services
from saas_core.tenancy import company_today

MODULE = "targets"


def _choices(request: HttpRequest) -> tuple[str, int]:
    keys = [m.key for m in measures.measures()]
    measure = request.GET.get("measure") if request.GET.get("measure") in keys else (keys[0] if keys else "")
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else company_today().year
    return measure, year


def _entries(post) -> dict[tuple[str, int], str]:
    """The grid's inputs ``t:<subject key>:<month>`` as ``{(subject key, month): text}``."""
    out = {}
    for name, value in post.items():
        parts = name.split(":")
        if len(parts) == 3 and parts[0] == "t" and parts[2].isdigit():
            out[(parts[1], int(parts[2]))] = value
    return out


@permission_required(MODULE, "view")
def target_grid(request: HttpRequest) -> HttpResponse:
    measure, year = _choices(request)
    errors: dict = {}
    posted: dict = {}
    if request.method == "POST" and measure:
        posted = _entries(request.POST)
        try:
            warnings = services.save_targets(by=request.user, measure=measure, year=year, entries=posted)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            errors = exc.message_dict
            messages.error(request, _("Nothing was saved: correct the amounts marked below."))
        else:
            messages.success(request, _("The targets have been saved."))
            if warnings:
                messages.warning(request, _("Some targets of the people or departments below sum above their "
                                            "parent's; see the warnings."))
            return redirect(f"{reverse('targets:grid')}?measure={measure}&year={year}")
    kind = measures.get(measure)
    rows = services.grid(request.user, measure, year) if kind else []
    actuals = services.actuals_by_subject(request.user, measure, date(year, 1, 1), date(year, 12, 31),
                                          [row.subject for row in rows]) if kind else {}
    for row in rows:
        row.actual = actuals.get(row.subject.key, 0)
        row.percent = services.percent(row.actual, row.year if any(m is not None for m in row.months) else None)
        row.inputs = [(m, posted.get((row.subject.key, m), row.months[m - 1]), errors.get(f"{row.subject.key}.{m}"))
                      for m in services.MONTHS]
    return render(request, "targets/grid.html", {
        "measure": kind, "measures": measures.measures(), "year": year, "years": range(year - 2, year + 3),
        "rows": rows, "months": list(services.MONTHS), "quarters": [1, 2, 3, 4],
        "warnings": services.over_parent(request.user, measure, year) if kind else [],
        "can_save": any(row.editable for row in rows),
    })
