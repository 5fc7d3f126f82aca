"""The workbench's target widget: my month and quarter (target, actual, %) and my team's."""

from __future__ import annotations


def workbench(request) -> dict | None:
    from saas_core.org.access import can
    from saas_core.targets import measures, services
    from saas_core.tenancy import company_today

    user = request.user
    if not can(user, services.MODULE, "view") or not measures.measures():
        return None
    today = company_today()
    rows = [(services.Subject(services.L.PERSON, user.pk, str(user)), None)]
    team = services.team_subject(user)
    if team is not None:
        rows.append((team, None))
    shown = [(subject, services.progress(subject, today)) for subject, _none in rows]
    if not any(p.target is not None or p.actual for _s, progress in shown for p in progress):
        return {"rows": shown, "empty": True}
    return {"rows": shown, "empty": False}
