"""Attachments tests: tenant A's organisation (tests.saas_core.org.conftest), files in a temporary
MEDIA_ROOT, and a customer of sales1's with helpers to upload to it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saas_core.customers import services as customer_services
from saas_core.customers.models import Customer
from tests.conftest import in_tenant
from tests.saas_core.org.conftest import build_org


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def make_customer(owner, name: str) -> Customer:
    return customer_services.create_customer(by=owner, name=name, confirm_duplicates=True, check_permission=False)


def a_file(name: str = "报价单.pdf", content: bytes = b"%PDF-1.4 quote", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@dataclass
class Book:
    customer: Customer  # sales1's
    other: Customer  # sales_w's, in the West department


@pytest.fixture
def book(tenant_a, org) -> Book:
    with in_tenant(tenant_a):
        return Book(make_customer(org.sales1, "北京华兴科技有限公司"), make_customer(org.sales_w, "西部贸易有限公司"))


def file_bytes(response) -> bytes:
    return b"".join(response.streaming_content)
