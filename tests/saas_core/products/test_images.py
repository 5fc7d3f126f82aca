"""Images and files on a product: uploaded through the attachments app, shown as thumbnails made
with Pillow on the 360°, hidden from another company; a file that is not an image has none."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.saas_core.products.conftest import add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png(width: int = 1200, height: int = 800) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_upload_an_image_and_see_its_thumbnail(client_for, tenant_a, tenant_b, org, make_user):
    product = add(tenant_a, org.boss, "Printer")
    client = client_for(tenant_a, org.director)
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert 'data-panel="images"' in page and 'data-testid="attachment-upload"' in page
    response = client.post(f"/attachments/product/{product.pk}/",
                           {"file": SimpleUploadedFile("printer.png", png(), content_type="image/png")})
    assert response.status_code == 302
    client.post(f"/attachments/product/{product.pk}/",
                {"file": SimpleUploadedFile("manual.pdf", b"%PDF-1.4 x", content_type="application/pdf")})
    page = client_for(tenant_a, org.sales1).get(f"/products/{product.pk}/").content.decode()
    assert "manual.pdf" in page and "printer.png" in page
    thumb_url = page[page.index("/products/", page.index('data-testid="images"')):].split('"')[0]
    assert thumb_url.endswith("/thumbnail.jpg") and page.count("/thumbnail.jpg") == 1  # the PDF has none
    thumb = client_for(tenant_a, org.sales1).get(thumb_url)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    boss_b = make_user(tenant_b, username="boss_b_img", role="boss")
    assert client_for(tenant_b, boss_b).get(thumb_url).status_code == 404
    assert client_for(tenant_b, boss_b).get(f"/attachments/product/{product.pk}/").status_code == 404


def test_sales_may_look_but_not_upload(client_for, tenant_a, org):
    product = add(tenant_a, org.boss, "Printer")
    response = client_for(tenant_a, org.sales1).post(
        f"/attachments/product/{product.pk}/", {"file": SimpleUploadedFile("x.png", png(10, 10), content_type="image/png")})
    assert response.status_code in (403, 404)
