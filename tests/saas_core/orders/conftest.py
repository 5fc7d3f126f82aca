"""The order tests use the contract tests' organisation, customers, products and documents."""

from tests.plugins.conftest import switch_module  # noqa: F401 - fixture
from tests.saas_core.contracts.conftest import add, contract, form_data, order, org, product, quote, speak_chinese  # noqa: F401,E501
from tests.saas_core.customers.conftest import _fast_password_hashing  # noqa: F401 - fixture
