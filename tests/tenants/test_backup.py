"""``crm backup`` / ``crm restore``: a company's schema, shared rows and files, round trip through
pg_dump / pg_restore (tenants.backup)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from tenants import backup, provisioning
from tenants.models import Domain, Tenant, TenantAuditEntry
from tests.conftest import PASSWORD, child_env, database_url_of_test_db

FILE_BODY = "报价单 quotation v3\n".encode()


def _company_with_data(subdomain: str):
    from saas_core.attachments import services as attachments
    from saas_core.customers import services as customers

    ws = provisioning.create_workspace(company_name="备份 Trading Ltd", subdomain=subdomain, admin_name="Boss",
                                       email=f"boss@{subdomain}.example.com", password=PASSWORD, language="en")
    TenantAuditEntry.objects.create(tenant=ws.tenant, action="suspended", reason="late payment", by="ops@vendor")
    with schema_context(ws.tenant.schema_name):
        customer = customers.create_customer(by=ws.boss, name="上海星辰贸易", kind="enterprise")
        customers.update_customer(customer, by=ws.boss, name="上海星辰贸易有限公司")
        attachment = attachments.upload(customer, SimpleUploadedFile("quote.txt", FILE_BODY, "text/plain"),
                                        by=ws.boss, description="v3")
    return ws, customer.pk, attachment.pk


def _read_back(schema: str, customer_pk: int, attachment_pk: int) -> dict:
    from saas_core.attachments.models import Attachment
    from saas_core.customers.models import Customer
    from saas_core.records.history import history_of

    with schema_context(schema):
        customer = Customer.objects.get(pk=customer_pk)
        attachment = Attachment.objects.get(pk=attachment_pk)
        with attachment.file.open("rb") as f:
            body = f.read()
        return {"name": customer.name, "history": len(history_of(customer)), "file": body,
                "file_name": attachment.file.name, "description": attachment.description}


@pytest.mark.live
def test_company_backup_restores_under_a_new_subdomain_with_data_history_and_files(live_db, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    subdomain = f"bk{uuid.uuid4().hex[:6]}"
    ws, customer_pk, attachment_pk = _company_with_data(subdomain)
    original = _read_back(ws.tenant.schema_name, customer_pk, attachment_pk)
    assert original["history"] >= 2 and original["file"] == FILE_BODY

    archive = backup.backup_company(subdomain, tmp_path / "company.tar")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "schema.dump", "public.json"} <= names
    assert any(name.startswith(f"media/attachments/{ws.tenant.schema_name}/") for name in names)

    # A copy beside the live company, under another address.
    restored = backup.restore_company(archive, f"{subdomain}-copy")
    connection.set_schema_to_public()
    tenant = Tenant.objects.get(pk=restored.tenant.pk)
    assert tenant.schema_name == provisioning.schema_name_for(f"{subdomain}-copy")
    assert tenant.status == ws.tenant.status and tenant.name == "备份 Trading Ltd"
    assert Domain.objects.get(tenant=tenant).domain == f"{subdomain}-copy.{settings.BASE_DOMAIN}"
    assert list(TenantAuditEntry.objects.filter(tenant=tenant).values_list("reason", flat=True)) == ["late payment"]
    copy = _read_back(tenant.schema_name, customer_pk, attachment_pk)
    assert copy["name"] == original["name"] == "上海星辰贸易有限公司"
    assert copy["history"] == original["history"]
    assert copy["file"] == FILE_BODY and copy["description"] == "v3"
    assert f"/{tenant.schema_name}/" in copy["file_name"], "the copy's rows point at its own files"
    # The copy is a workspace people can sign in to.
    from django.test import Client

    client = Client(HTTP_HOST=restored.host)
    assert client.post("/accounts/login/", {"username": f"boss@{subdomain}.example.com", "password": PASSWORD}
                       ).status_code in (302, 303)

    # The original is lost: restored under its own address, from the same archive.
    schema = ws.tenant.schema_name
    connection.set_schema_to_public()  # the request above left the connection in the copy's schema
    Tenant.objects.get(pk=ws.tenant.pk).delete(force_drop=True)
    assert not schema_exists(schema)
    again = backup.restore_company(archive)
    connection.set_schema_to_public()
    assert again.tenant.schema_name == schema and again.host == f"{subdomain}.{settings.BASE_DOMAIN}"
    assert _read_back(schema, customer_pk, attachment_pk) == original


@pytest.mark.live
def test_restore_refuses_a_taken_subdomain_and_leaves_nothing_behind(live_db, tmp_path, settings, tenant_b):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive = backup.backup_company("beta", tmp_path / "beta.tar")
    before = set(Tenant.objects.values_list("schema_name", flat=True))
    with pytest.raises(backup.BackupError, match="already taken"):
        backup.restore_company(archive)  # beta still exists
    with pytest.raises(backup.BackupError, match="lower-case letters"):
        backup.restore_company(archive, "Not A Subdomain!")
    assert set(Tenant.objects.values_list("schema_name", flat=True)) == before
    (tmp_path / "junk.tar").write_bytes(b"not a tar")
    with pytest.raises(backup.BackupError, match="not a CRM backup"):
        backup.restore_company(tmp_path / "junk.tar")
    with pytest.raises(backup.BackupError, match="no company"):
        backup.backup_company("nobody-here", tmp_path / "x.tar")
    assert not (tmp_path / "x.tar").exists()


@pytest.mark.live
def test_crm_backup_and_restore_commands(live_db, tmp_path):
    """The operator's commands, as a separate process on the test database."""
    env = child_env(MEDIA_ROOT=str(tmp_path / "media"))
    archive = tmp_path / "alpha.tar"
    out = subprocess.run([sys.executable, "-m", "saas_core.cli", "backup", "--company", "alpha", "--output",
                          str(archive)], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert f"backup written to {archive}" in out.stdout
    subdomain = f"al{uuid.uuid4().hex[:6]}"
    out = subprocess.run([sys.executable, "-m", "saas_core.cli", "restore", str(archive), "--subdomain", subdomain],
                         env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert f"restored Alpha Trading Ltd at {subdomain}.{settings.BASE_DOMAIN}" in out.stdout
    out = subprocess.run([sys.executable, "-m", "saas_core.cli", "restore", str(archive), "--subdomain", subdomain],
                         env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 1 and out.stderr.startswith("error: ") and subdomain in out.stderr, out.stderr


@pytest.mark.live
def test_whole_installation_backup_restores_into_an_empty_database(live_db, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "attachments" / "t_alpha").mkdir(parents=True)
    (tmp_path / "media" / "attachments" / "t_alpha" / "f.txt").write_bytes(FILE_BODY)
    archive = backup.backup_installation(tmp_path / "all.tar")
    with pytest.raises(backup.BackupError, match="already holds an installation"):
        backup.restore_installation(archive)
    target = f"{settings.DATABASES['default']['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        env = child_env(MEDIA_ROOT=str(tmp_path / "media2"), DATABASE_URL=database_url_of_test_db(target))
        out = subprocess.run([sys.executable, "-m", "saas_core.cli", "restore", str(archive)], env=env,
                             capture_output=True, text=True, timeout=900)
        assert out.returncode == 0, out.stderr
        assert (tmp_path / "media2" / "attachments" / "t_alpha" / "f.txt").read_bytes() == FILE_BODY
        import psycopg

        params = {**connection.get_connection_params(), "dbname": target}
        params.pop("cursor_factory", None)
        with psycopg.connect(**params) as conn:
            schemas = {row[0] for row in conn.execute("SELECT schema_name FROM public.tenants_tenant")}
        assert {"public", "t_alpha", "t_beta"} <= schemas
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
