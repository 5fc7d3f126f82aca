"""What every business record's isolation and data-scope tests check, written once (opportunities,
quotes ...): another company's ids answer 404 on every page and endpoint, its records never show in
a list, search or export, and each role sees exactly what its data scope lets through."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import in_tenant

# Two records, one of the east salesperson (sales1) and one of the west one (sales_w): what each
# role's list shows; None: the role may not open the module at all (403).
ROLES = ("boss", "director", "manager", "sales1", "sales_w", "customer_service", "system_maintainer")


def expected_by_role(east: str, west: str) -> dict[str, set[str] | None]:
    return {"boss": {east, west}, "director": {east, west}, "manager": {east}, "sales1": {east}, "sales_w": {west},
            "customer_service": None, "system_maintainer": None}


def role_users(org) -> dict:
    return {"boss": org.boss, "director": org.director, "manager": org.manager, "sales1": org.sales1,
            "sales_w": org.sales_w, "customer_service": org.cs, "system_maintainer": org.maintainer}


def unused_in(tenant, model, pk: int) -> int:
    """``pk``, after checking company ``tenant`` has no record with it (so a 404 proves isolation)."""
    with in_tenant(tenant):
        assert not model._base_manager.filter(pk=pk).exists(), "pick ids the other company does not have"
    return pk


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_all_404(client, requests: list[tuple[str, str]], data: dict | None = None) -> None:
    """Every (method, url) answers 404; posts carry ``data``."""
    for method, url in requests:
        response = getattr(client, method)(url, (data or {}) if method == "post" else {})
        assert response.status_code == 404, (method, url, response.status_code)


def assert_never_shown(client, urls, secret: str) -> None:
    for url in urls:
        assert secret.encode() not in body(client.get(url)), url


def shown(text, names) -> set[str]:
    """Which of ``names`` a page, an API listing or an export shows."""
    return {name for name in names if name in text}


def exported_cells(response) -> set:
    sheet = load_workbook(io.BytesIO(body(response))).active
    return {cell.value for row in sheet.iter_rows() for cell in row}
