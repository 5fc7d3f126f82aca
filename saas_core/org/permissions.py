"""What a role can be allowed: the permission modules, actions, special rights and customer sections.

Later features and plugins register their own entries on start-up (in ``AppConfig.ready``)::

    from saas_core.org.permissions import register_module, register_customer_section

    register_module("quality", _("Quality checks"), defaults={"manager": ("view", "edit")})
    register_customer_section("quotes", _("Quotes"))

A role that was never edited for a module registered later gets that module's ``defaults``
(the Boss always has every action on every module); once the Boss saves the role's matrix the
stored values count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import Role

# --- actions -------------------------------------------------------------------------------

VIEW, CREATE, EDIT, DELETE, IMPORT, EXPORT = "view", "create", "edit", "delete", "import", "export"
ACTIONS: tuple[str, ...] = (VIEW, CREATE, EDIT, DELETE, IMPORT, EXPORT)

# Column headers of the permission matrix.
ACTION_LABELS: dict[str, Promise] = {
    VIEW: _("View"), CREATE: _("Create"), EDIT: _("Edit"), DELETE: _("Delete"), IMPORT: _("Import"), EXPORT: _("Export"),
}
# The verb inside a sentence: "Your role (Sales) may not <delete> <customers>."
ACTION_VERBS: dict[str, Promise] = {
    VIEW: _("view"), CREATE: _("create"), EDIT: _("edit"), DELETE: _("delete"), IMPORT: _("import"), EXPORT: _("export"),
}


# --- modules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    # A business module holds company data (customers, orders, ...); the System maintainer gets none.
    business: bool = True
    order: int = 100
    # role code -> actions granted until the Boss edits that role.
    defaults: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Said in a 403 message: "may not delete <noun>"; the label when not given.
    noun: str | Promise | None = None
    # The optional module (``plugins``) this belongs to: listed only where that module is on.
    plugin: str | None = None

    @property
    def sentence_noun(self) -> str:
        return str(self.noun or self.label)


_modules: dict[str, Module] = {}


def register_module(
    key: str,
    label: str | Promise,
    *,
    business: bool = True,
    order: int = 100,
    defaults: Mapping[str, Iterable[str]] | None = None,
    noun: str | Promise | None = None,
    plugin: str | None = None,
) -> Module:
    """Register (or replace) a permission module; returns it."""
    grants = {role: tuple(a for a in ACTIONS if a in set(actions)) for role, actions in (defaults or {}).items()}
    unknown = {a for actions in (defaults or {}).values() for a in actions} - set(ACTIONS)
    if unknown:
        raise ValueError(f"unknown actions {sorted(unknown)} for module {key!r}")
    module = Module(key, label, business=business, order=order, defaults=grants, noun=noun, plugin=plugin)
    _modules[key] = module
    return module


def _every_module(plugin_key: str | None) -> bool:
    return True


_module_visible: Callable[[str | None], bool] = _every_module


def set_module_visibility(predicate: Callable[[str | None], bool]) -> None:
    """Decide which plugin's permission modules the current tenant sees (``predicate(plugin_key)``).

    The plugins app sets it on start-up (only the modules on for the tenant): this registry sits
    below the apps and never imports them."""
    global _module_visible
    _module_visible = predicate


def modules() -> list[Module]:
    """The permission modules of the current tenant (an optional module's only where it is on)."""
    return sorted((m for m in _modules.values() if _module_visible(m.plugin)), key=lambda m: (m.order, m.key))


def registered_modules() -> list[Module]:
    """Every registered module, whether or not its optional module is on (no tenant needed)."""
    return sorted(_modules.values(), key=lambda m: (m.order, m.key))


def is_visible(key: str) -> bool:
    """False where ``key`` is the permission module of an optional module that is off in the
    current tenant (its pages, imports, exports and approval types are not there); True otherwise."""
    module = _modules.get(key)
    return module is None or _module_visible(module.plugin)


def get_module(key: str) -> Module:
    """The registered module; an unknown key is a programming error and fails loudly."""
    try:
        return _modules[key]
    except KeyError:
        raise LookupError(f"unknown permission module {key!r}; register it with saas_core.org.permissions.register_module") from None


def check_action(action: str) -> str:
    if action not in ACTIONS:
        raise LookupError(f"unknown permission action {action!r}; one of {', '.join(ACTIONS)}")
    return action


# --- special rights ------------------------------------------------------------------------

SEE_COST_PRICE = "see_cost_price"
EXPORT_EXCEL = "export_excel"
PURGE_RECYCLE_BIN = "purge_recycle_bin"
UNDO_STOCK_MOVES = "undo_stock_moves"
VIEW_COMBINED_REPORTS = "view_combined_reports"


@dataclass(frozen=True)
class Right:
    key: str
    label: str | Promise
    defaults: frozenset[str] = frozenset()  # role codes holding it until the Boss edits the role


_rights: dict[str, Right] = {}


def register_right(key: str, label: str | Promise, *, defaults: Iterable[str] = ()) -> Right:
    right = Right(key, label, frozenset(defaults))
    _rights[key] = right
    return right


def rights() -> list[Right]:
    return list(_rights.values())


def get_right(key: str) -> Right:
    try:
        return _rights[key]
    except KeyError:
        raise LookupError(f"unknown special right {key!r}; register it with saas_core.org.permissions.register_right") from None


# --- customer sections (what Customer service may see of a customer, ROLE-02) ---------------


@dataclass(frozen=True)
class CustomerSection:
    key: str
    label: str | Promise
    order: int = 100
    service_default: bool = False  # shown to Customer service until the Boss edits the role


_sections: dict[str, CustomerSection] = {}


def register_customer_section(key: str, label: str | Promise, *, order: int = 100, service_default: bool = False) -> CustomerSection:
    """The customer 360° page registers its panels here so the Boss can allow them per role."""
    section = CustomerSection(key, label, order, service_default)
    _sections[key] = section
    return section


def customer_sections() -> list[CustomerSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


# --- the seeds -------------------------------------------------------------------------------

ALL = ACTIONS
NO_DELETE = (VIEW, CREATE, EDIT, IMPORT, EXPORT)
WORK = (VIEW, CREATE, EDIT)
CUSTOMER_SIDE = ("customers", "contacts", "activities", "opportunities", "quotes", "contracts", "payments", "service", "marketing")


def _seed_defaults() -> dict[str, dict[str, tuple[str, ...]]]:
    """module -> role -> actions, for the seeded modules (the Boss is implicit: everything)."""
    director = dict.fromkeys((*CUSTOMER_SIDE, "products", "purchasing", "inventory", "reports"), ALL)
    director |= {"announcements": (VIEW,), "organisation": (VIEW,)}
    manager = dict.fromkeys(CUSTOMER_SIDE, ALL) | {
        "products": (VIEW,), "purchasing": (VIEW,), "inventory": (VIEW,), "reports": (VIEW, EXPORT),
        "announcements": (VIEW,), "organisation": (VIEW,),
    }

    def minus_delete(grants):
        return {m: tuple(a for a in actions if a != DELETE) for m, actions in grants.items()}

    per_role: dict[str, dict[str, tuple[str, ...]]] = {
        Role.DIRECTOR: director,
        Role.MANAGER: manager,
        Role.DIRECTOR_ASSISTANT: minus_delete(director),
        Role.MANAGER_ASSISTANT: minus_delete(manager),
        Role.SALES: dict.fromkeys(("customers", "contacts", "activities", "opportunities", "quotes", "contracts", "payments"),
                                  WORK)
        | {"products": (VIEW,), "service": (VIEW,), "marketing": (VIEW,), "announcements": (VIEW,)},
        Role.CUSTOMER_SERVICE: {
            "customers": (VIEW,), "contacts": (VIEW,), "activities": WORK, "service": NO_DELETE, "products": (VIEW,),
            "announcements": (VIEW,),
        },
        Role.WAREHOUSE_KEEPER: {"inventory": NO_DELETE, "products": (VIEW,), "announcements": (VIEW,)},
        Role.PURCHASER: {"purchasing": NO_DELETE, "products": (VIEW, CREATE, EDIT), "inventory": (VIEW,), "announcements": (VIEW,)},
        Role.SYSTEM_MAINTAINER: {"announcements": (VIEW,)},
    }
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for role, grants in per_role.items():
        for module, actions in grants.items():
            out.setdefault(module, {})[str(role)] = actions
    return out


# Every module, right and customer section the product plans, with its label and defaults. Only
# those whose feature is built are registered (below); the issue that builds opportunities,
# contracts, service, inventory ... brings its rows back with ``register_planned_module("opportunities")``
# (and ``register_planned_right`` / ``register_planned_section``), so the role matrix and the
# public site never show boxes for pages that answer 404.
PLANNED_MODULES: dict[str, tuple[str | Promise, str | Promise]] = {
    "customers": (_("Customers"), _("customers")),
    "contacts": (_("Contacts"), _("contacts")),
    "activities": (_("Follow-ups and schedules"), _("follow-ups")),
    "opportunities": (_("Opportunities"), _("opportunities")),
    "quotes": (_("Quotes"), _("quotes")),
    "contracts": (_("Contracts and orders"), _("contracts and orders")),
    "payments": (_("Payments and invoices"), _("payments and invoices")),
    "products": (_("Products"), _("products")),
    "service": (_("Service"), _("service records")),
    "purchasing": (_("Purchasing"), _("purchasing")),
    "inventory": (_("Inventory"), _("inventory")),
    "marketing": (_("Marketing"), _("marketing")),
    "reports": (_("Reports"), _("reports")),
}
PLANNED_RIGHTS: dict[str, tuple[str | Promise, tuple[str, ...]]] = {
    SEE_COST_PRICE: (_("See cost price"), (Role.DIRECTOR, Role.DIRECTOR_ASSISTANT, Role.PURCHASER)),
    EXPORT_EXCEL: (_("Export to Excel"), (Role.DIRECTOR, Role.MANAGER, Role.DIRECTOR_ASSISTANT, Role.MANAGER_ASSISTANT)),
    PURGE_RECYCLE_BIN: (_("Purge the recycle bin"), ()),
    UNDO_STOCK_MOVES: (_("Undo stock moves"), (Role.WAREHOUSE_KEEPER,)),
    VIEW_COMBINED_REPORTS: (_("View combined reports"), (Role.DIRECTOR, Role.DIRECTOR_ASSISTANT)),
}
PLANNED_SECTIONS: dict[str, tuple[str | Promise, bool]] = {  # key -> label, shown to Customer service by default
    "basic": (_("Basic information"), True),
    "contacts": (_("Contacts"), True),
    "followups": (_("Follow-ups"), True),
    "opportunities": (_("Opportunities"), False),
    "quotes": (_("Quotes"), False),
    "contracts": (_("Contracts and orders"), False),
    "payments": (_("Payments"), False),
    "service": (_("Service"), True),
}
# What is built today (issue 14: the rest 404ed while the matrix offered boxes for them; issue 15: products).
BUILT_MODULES = ("customers", "contacts", "activities", "products")
BUILT_RIGHTS = (EXPORT_EXCEL, PURGE_RECYCLE_BIN, SEE_COST_PRICE)
BUILT_SECTIONS = ("basic", "contacts", "followups")


def register_planned_module(key: str, **overrides) -> Module:
    """Register one of ``PLANNED_MODULES`` with its seeded label, noun, order and role defaults."""
    label, noun = PLANNED_MODULES[key]
    order = (list(PLANNED_MODULES).index(key) + 1) * 10
    options = {"order": order, "defaults": _seed_defaults().get(key), "noun": noun} | overrides
    return register_module(key, label, **options)


def register_planned_right(key: str) -> Right:
    label, defaults = PLANNED_RIGHTS[key]
    return register_right(key, label, defaults=defaults)


def register_planned_section(key: str) -> CustomerSection:
    label, service = PLANNED_SECTIONS[key]
    return register_customer_section(key, label, order=(list(PLANNED_SECTIONS).index(key) + 1) * 10, service_default=service)


def _seed() -> None:
    defaults = _seed_defaults()
    for key in BUILT_MODULES:
        register_planned_module(key)
    register_module("announcements", _("Announcements"), business=False, order=200,
                    defaults=defaults.get("announcements"), noun=_("announcements"))
    register_module("organisation", _("Organisation (users, departments, roles, dictionaries)"), business=False,
                    order=210, defaults=defaults.get("organisation"), noun=_("the organisation"))
    for key in BUILT_RIGHTS:
        register_planned_right(key)
    for key in BUILT_SECTIONS:
        register_planned_section(key)


_seed()


# --- a role's defaults ------------------------------------------------------------------------

DEFAULT_SCOPES: dict[str, str] = {
    Role.BOSS: "all",
    Role.DIRECTOR: "department_tree",
    Role.MANAGER: "department",
    Role.DIRECTOR_ASSISTANT: "department_tree",
    Role.MANAGER_ASSISTANT: "department",
    Role.SALES: "self",
    Role.CUSTOMER_SERVICE: "all",  # every customer, limited to the allowed sections
    Role.WAREHOUSE_KEEPER: "all",
    Role.PURCHASER: "all",
    Role.SYSTEM_MAINTAINER: "none",
}


def default_actions(role: str, module: Module) -> tuple[str, ...]:
    if role == Role.BOSS:
        return ACTIONS
    if role == Role.SYSTEM_MAINTAINER and module.business:
        return ()
    return module.defaults.get(role, ())


def default_right(role: str, right: Right) -> bool:
    return role == Role.BOSS or (role != Role.SYSTEM_MAINTAINER and role in right.defaults)


def role_defaults(role: str) -> dict:
    """The values a role starts with (used by the seeding migration and "reset to defaults")."""
    return {
        "data_scope": DEFAULT_SCOPES.get(role, "self"),
        "permissions": {m.key: list(default_actions(role, m)) for m in modules()},
        "rights": {r.key: default_right(role, r) for r in rights()},
        "customer_sections": [s.key for s in customer_sections() if s.service_default] if role == Role.CUSTOMER_SERVICE else [],
    }
