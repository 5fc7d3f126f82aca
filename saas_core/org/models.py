"""Departments (ROLE-01) and what each role may do and see (ROLE-02, ROLE-03).

Business rules (depth, cycles, what blocks a delete, what a role may be given) live in
saas_core.org.services; the checks every feature calls live in saas_core.org.access and
saas_core.org.scope.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import Role

MAX_DEPTH = 4


class Department(models.Model):
    """A node of the company's department tree, 1 to ``MAX_DEPTH`` levels deep.

    ``path`` is a materialized path of ids (``/3/17/42/``): a department's subtree is every
    department whose path starts with its own, found with one indexed ``LIKE 'prefix%'``.
    """

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="led_departments",
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("level"), editable=False, default=1)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "parent", nulls_distinct=False, name="org_department_unique_sibling_name",
                violation_error_message=_("There is already a department with this name at this place."),
            ),
            models.CheckConstraint(condition=models.Q(depth__gte=1, depth__lte=MAX_DEPTH), name="org_department_depth"),
        ]
        indexes = [models.Index(fields=["path"], name="org_department_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name


class DataScope(models.TextChoices):
    SELF = "self", _("Own records")
    SELF_AND_SUBORDINATES = "self_and_subordinates", _("Own records and those of subordinates")
    DEPARTMENT = "department", _("Own department")
    DEPARTMENT_TREE = "department_tree", _("Own department and its sub-departments")
    CHOSEN_DEPARTMENTS = "chosen_departments", _("Chosen departments")
    ALL = "all", _("All records")
    NONE = "none", _("No business data")


class RoleSetting(models.Model):
    """What one role (``accounts.Role``) may do and see; one row per role, seeded by a migration.

    ``permissions`` maps a module key to its granted actions and ``rights`` a special right to
    true/false; a module or right missing from them (registered after the last edit) falls back
    to its registered defaults. The Boss's row is not consulted: the Boss may do everything.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, unique=True)
    data_scope = models.CharField(_("data scope"), max_length=32, choices=DataScope.choices, default=DataScope.SELF)
    chosen_departments = models.ManyToManyField(
        Department, verbose_name=_("chosen departments"), blank=True, related_name="+",
    )
    permissions = models.JSONField(_("permissions"), default=dict, blank=True)
    rights = models.JSONField(_("special rights"), default=dict, blank=True)
    customer_sections = models.JSONField(_("customer sections"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("role setting")
        verbose_name_plural = _("role settings")

    def __str__(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role
