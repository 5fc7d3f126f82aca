"""Monthly sales targets (TGT-01): one amount per measure, month and subject (the company, a
department or a person). Quarters and years are sums of months, never stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas_core.lines.models import money_field


class Target(models.Model):
    class Level(models.TextChoices):
        COMPANY = "company", _("Company")
        DEPARTMENT = "department", _("Department")
        PERSON = "person", _("Person")

    measure = models.CharField(_("measure"), max_length=40)
    month = models.DateField(_("month"))  # the first day of the month
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    amount = money_field(_("target"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        constraints = [
            models.UniqueConstraint(fields=["measure", "month"], condition=Q(level="company"),
                                    name="one_company_target_per_month"),
            models.UniqueConstraint(fields=["measure", "department", "month"], condition=Q(level="department"),
                                    name="one_department_target_per_month"),
            models.UniqueConstraint(fields=["measure", "user", "month"], condition=Q(level="person"),
                                    name="one_person_target_per_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_not_negative"),
            models.CheckConstraint(
                condition=(Q(level="company", department__isnull=True, user__isnull=True)
                           | Q(level="department", department__isnull=False, user__isnull=True)
                           | Q(level="person", department__isnull=True, user__isnull=False)),
                name="target_subject_matches_level"),
        ]
        indexes = [models.Index(fields=["measure", "month"], name="target_by_month")]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} {self.level}: {self.amount}"
