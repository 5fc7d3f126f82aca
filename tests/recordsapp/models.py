"""Test-only business records: a project with tasks, owned by users."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record


@business_record(module="customers", owner_field="owner", label_field="name")
class Project(BusinessRecord):
    name = models.CharField("name", max_length=100)
    code = models.CharField("code", max_length=20)
    status = models.CharField("status", max_length=10, choices=[("open", "Open"), ("done", "Done")], default="open")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(deleted_at__isnull=True), name="project_code_live_unique"),
        ]

    def __str__(self) -> str:
        return self.name


@business_record(module="customers", owner_field="owner", label_field="title")
class Task(BusinessRecord):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("title", max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.title
