"""Images and files on products (PRD-01): products take attachments (saas_core.attachments), and
the image attachments are shown as thumbnails made with Pillow.

A thumbnail is made on first request and kept in the shared cache under the tenant's schema and
the attachment (its id and size): it needs no file of its own, so the attachment's recycle bin,
restore and purge need nothing extra, and a purged image's thumbnail simply expires.
"""

from __future__ import annotations

import io

from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from saas_core.attachments.parents import register_parent
from saas_core.org.access import can
from saas_core.products.models import Product

THUMB_SIZE = (320, 320)
THUMB_SECONDS = 30 * 24 * 3600
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")
MAX_SOURCE_BYTES = 20 * 1024 * 1024


def images_of(product: Product):
    """The product's image attachments, oldest first (the first is the main picture)."""
    from saas_core.attachments.services import attachments_of

    return attachments_of(product).filter(content_type__in=IMAGE_TYPES).order_by("created_at", "id")


def _key(attachment) -> str:
    return f"product-thumb:{connection.schema_name}:{attachment.pk}:{attachment.size}"


def thumbnail(attachment) -> bytes | None:
    """A JPEG at most 320 px on its longer side, or None when the file is not a readable image."""
    key = _key(attachment)
    data = cache.get(key)
    if data is not None:
        return data
    if attachment.size > MAX_SOURCE_BYTES:
        return None
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with attachment.file.open("rb") as fh, Image.open(fh) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMB_SIZE)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82, optimize=True)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None
    data = out.getvalue()
    cache.set(key, data, THUMB_SECONDS)
    return data


def _can_view(user, product: Product) -> bool:
    return can(user, "products", "view")


def _can_edit(user, product: Product) -> bool:
    return can(user, "products", "edit")


def _visible(queryset, user):
    return queryset if can(user, "products", "view") else queryset.none()


register_parent(Product, key="product", can_view=_can_view, can_edit=_can_edit,
                url=lambda product: reverse("products:detail", args=[product.pk]), visible=_visible)
