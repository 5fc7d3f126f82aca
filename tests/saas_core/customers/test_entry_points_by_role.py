"""Every customer entry point, as every role and as another company's Boss (ROLE-02, ROLE-03).

The organisation (tests/saas_core/org/conftest.py): East (a department under Sales) holds
manager, sales1 and the manager assistant; West holds sales_w; the director and director
assistant sit at Sales, the top of both. One customer belongs to sales1 (East), one to
sales_w (West). What each role may see and do comes from the seeded role defaults.
"""

from io import BytesIO

import openpyxl
import pytest

from saas_core.customers import services
from saas_core.customers.models import Customer
from tests.conftest import api, in_tenant
from tests.saas_core.org.conftest import build_org

pytestmark = pytest.mark.django_db

EAST, WEST = "华东测试客户", "华西测试客户"
BOTH, ONLY_EAST, ONLY_WEST, NONE = {EAST, WEST}, {EAST}, {WEST}, set()

# role: (sees in lists/search/API/export, may edit East, may delete East, may export)
EXPECTED = {
    "boss": (BOTH, True, True, True),
    "director": (BOTH, True, True, True),
    "director_assistant": (BOTH, True, False, True),
    "manager": (ONLY_EAST, True, True, True),
    "manager_assistant": (ONLY_EAST, True, False, True),
    "sales1": (ONLY_EAST, True, False, False),
    "sales_w": (ONLY_WEST, False, False, False),
    "customer_service": (BOTH, False, False, False),
    "warehouse_keeper": (None, False, False, False),  # None: may not open customers at all
    "purchaser": (None, False, False, False),
    "system_maintainer": (None, False, False, False),
}


@pytest.fixture
def world(tenant_a, boss_a, make_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org = build_org(tenant_a, boss_a, make_user)
    users = {
        "boss": org.boss, "director": org.director, "manager": org.manager, "sales1": org.sales1,
        "sales_w": org.sales_w, "customer_service": org.cs, "system_maintainer": org.maintainer,
        "director_assistant": make_user(tenant_a, username="dasst", role="director_assistant", department=org.sales),
        "manager_assistant": make_user(tenant_a, username="masst", role="manager_assistant", department=org.east),
        "warehouse_keeper": make_user(tenant_a, username="keeper", role="warehouse_keeper", department=org.service),
        "purchaser": make_user(tenant_a, username="buyer", role="purchaser", department=org.service),
    }
    with in_tenant(tenant_a):
        east = services.create_customer(by=org.sales1, name=EAST, phone="021-5555 0001", check_permission=False)
        west = services.create_customer(by=org.sales_w, name=WEST, phone="028-5555 0002", check_permission=False)
    return users, east, west


def web(tenant, user, client_for):
    return client_for(tenant, user)



def names_in(html: str) -> set[str]:
    return {name for name in (EAST, WEST) if name in html}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_entry_point_for_each_role(tenant_a, client_for, world, role):
    users, east, west = world
    sees, may_edit, may_delete, may_export = EXPECTED[role]
    user = users[role]
    page = web(tenant_a, user, client_for)
    rest = api(tenant_a, user)

    # Web list and quick search.
    listing = page.get("/customers/")
    search = page.get("/customers/", {"q": "测试 客户"})
    if sees is None:
        assert listing.status_code == 403 and search.status_code == 403
    else:
        assert names_in(listing.content.decode()) == sees
        assert names_in(search.content.decode()) == sees

    # Detail pages: 200 in scope, 404 outside (as if it did not exist), 403 without the right.
    for customer, name in ((east, EAST), (west, WEST)):
        status = page.get(f"/customers/{customer.pk}/").status_code
        assert status == (403 if sees is None else 200 if name in sees else 404), (role, name, status)

    # API list, search and detail.
    api_list = rest.get("/api/v1/customers/", {"search": "华"})
    if sees is None:
        assert api_list.status_code == 403
    else:
        assert {row["name"] for row in api_list.json()["results"]} == sees
        assert rest.get(f"/api/v1/customers/{west.pk}/").status_code == (200 if WEST in sees else 404)

    # API update and delete of the East customer: allowed, or refused without changing it.
    update = rest.patch(f"/api/v1/customers/{east.pk}/", {"remark": f"edited by {role}"}, format="json")
    assert (update.status_code == 200) is may_edit, (role, update.status_code)
    if not may_edit:
        assert update.status_code in (403, 404) and "detail" in update.json()
    delete = rest.delete(f"/api/v1/customers/{east.pk}/")
    assert (delete.status_code == 204) is may_delete, (role, delete.status_code)
    with in_tenant(tenant_a):
        assert Customer.objects.filter(pk=east.pk).exists() is not may_delete

    # Excel export: only what the user may see, and only with the export rights.
    export = page.get("/imports/export/customers.xlsx")
    if may_export:
        sheet = openpyxl.load_workbook(BytesIO(b"".join(export.streaming_content)), read_only=True).active
        exported = {cell for row in sheet.iter_rows(values_only=True) for cell in row if cell in (EAST, WEST)}
        assert exported == (sees - ({EAST} if may_delete else set()))
    else:
        assert export.status_code == 403


def test_another_companys_boss_reaches_nothing(tenant_b, client_for, world):
    from saas_core.accounts.models import User

    _users, east, west = world
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    page, rest = client_for(tenant_b, boss_b), api(tenant_b, boss_b)
    assert names_in(page.get("/customers/", {"q": "测试 客户"}).content.decode()) == NONE
    assert page.get(f"/customers/{east.pk}/").status_code == 404
    assert rest.get(f"/api/v1/customers/{east.pk}/").status_code == 404
    assert rest.patch(f"/api/v1/customers/{east.pk}/", {"remark": "x"}, format="json").status_code == 404
    assert rest.delete(f"/api/v1/customers/{west.pk}/").status_code == 404
    assert {r["name"] for r in rest.get("/api/v1/customers/", {"search": "000"}).json()["results"]} == NONE
    exported = b"".join(page.get("/imports/export/customers.xlsx").streaming_content)
    sheet = openpyxl.load_workbook(BytesIO(exported), read_only=True).active
    assert not {c for row in sheet.iter_rows(values_only=True) for c in row if c in (EAST, WEST)}
