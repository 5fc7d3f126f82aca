"""Announcement operations, shared by the web pages and the API."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from saas_core.accounts.models import User
from saas_core.announcements.models import Announcement, AnnouncementRead

FIELDS = ("title", "body", "published_at", "pinned", "expires_at")


def post(*, author: User, **fields) -> Announcement:
    announcement = Announcement(author=author, created_by=author, **{k: v for k, v in fields.items() if k in FIELDS})
    announcement.full_clean()
    announcement.save()
    return announcement


def update(announcement: Announcement, **fields) -> Announcement:
    for key, value in fields.items():
        if key in FIELDS:
            setattr(announcement, key, value)
    announcement.full_clean()
    announcement.save()
    return announcement


def current_for(user: User) -> QuerySet[Announcement]:
    """Published, unexpired announcements, each with ``is_read`` for ``user``."""
    now = timezone.now()
    return (
        Announcement.objects.filter(published_at__lte=now)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .annotate(is_read=Exists(AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=user)))
        .select_related("author")
    )


def mark_read(announcement: Announcement, user: User) -> AnnouncementRead:
    """Idempotent: the first read counts; the unique constraint settles a double click."""
    receipt, _created = AnnouncementRead.objects.get_or_create(announcement=announcement, user=user)
    return receipt


def receipts(announcement: Announcement) -> list[tuple[User, object]]:
    """Every active user with the time they read it (None if not yet), unread first."""
    read_at = dict(announcement.reads.values_list("user_id", "read_at"))
    users = User.objects.filter(is_active=True).order_by("name", "username")
    rows = [(user, read_at.get(user.pk)) for user in users]
    return sorted(rows, key=lambda row: row[1] is not None)
