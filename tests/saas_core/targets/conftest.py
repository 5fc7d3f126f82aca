"""The target tests use the contract tests' organisation, customers and documents."""

from tests.saas_core.contracts.conftest import add, contract, org, product  # noqa: F401 - fixtures and helpers
from tests.saas_core.customers.conftest import _fast_password_hashing  # noqa: F401 - fixture
