"""The shared line tests use the contract tests' organisation and helpers."""

from tests.saas_core.contracts.conftest import add, org, product  # noqa: F401
from tests.saas_core.customers.conftest import _fast_password_hashing  # noqa: F401 - fixture
