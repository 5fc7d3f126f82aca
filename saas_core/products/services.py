"""Catalogue operations (PRD-01); pages, the API, imports and the demo all call these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Aggregate, JSONField, Max, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core import money
from saas_core.customers.services import reserve_ids
from saas_core.org.access import require, require_boss
from saas_core.products.access import may_see_cost
from saas_core.products.models import Category, PriceChange, PriceStrategy, Product, ProductPrice
from saas_core.products.search import apply_search_keys
from saas_core.records import bin as recycle_bin

PRODUCT_FIELDS = ("code", "name", "spec", "unit", "barcode", "category", "discontinued", "needs_cost_review", "remark")
# The largest amount a money column holds (MAX_DIGITS with DECIMAL_PLACES of them after the point).
MONEY_LIMIT = Decimal(10) ** (money.MAX_DIGITS - money.DECIMAL_PLACES)
UNSET = object()


def price_field(strategy_key: str) -> str:
    """The field name of one strategy's price in forms, imports and error maps."""
    return f"price_{strategy_key}"


# --- prices --------------------------------------------------------------------------------------


def clean_price(value, *, places: int | None = None) -> Decimal | None:
    """A price as stored: None for blank; else a non-negative Decimal with at most the company's
    price places (more is refused, not rounded away), quantized to them."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = money.as_decimal(value)
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="invalid")
    if number < 0:
        raise ValidationError(_("A price cannot be negative."), code="negative")
    if number >= MONEY_LIMIT:
        raise ValidationError(_("The amount is too large."), code="too_large")
    places = money.places().price if places is None else places
    money.check_places(number, places)
    return money.round_price(number, places)


def shown_price(value: Decimal | None) -> Decimal | None:
    """A stored amount at the company's price precision (columns hold six places)."""
    return None if value is None else money.round_price(value)


def strategies() -> list[PriceStrategy]:
    return list(PriceStrategy.objects.all())


def _clean_prices(prices: Mapping[str, object], known: dict[str, PriceStrategy], errors: dict) -> dict[str, Decimal | None]:
    out: dict[str, Decimal | None] = {}
    for key, value in prices.items():
        if key not in known:
            errors.setdefault("prices", []).append(_("There is no price strategy “%(key)s”.") % {"key": key})
            continue
        try:
            out[key] = clean_price(value)
        except ValidationError as exc:
            errors.setdefault(price_field(key), []).extend(exc.messages)
    return out


def price_map(products: Iterable[Product]) -> dict[int, dict[str, Decimal]]:
    """product id → {strategy key: price at the company's precision}, in one query."""
    ids = [p.pk for p in products]
    out: dict[int, dict[str, Decimal]] = {pk: {} for pk in ids}
    places = money.places().price
    rows = ProductPrice.objects.filter(product_id__in=ids).values_list("product_id", "strategy__key", "price")
    for product_id, key, price in rows:
        out[product_id][key] = money.round_price(price, places)
    return out


class _JSONObjectAgg(Aggregate):
    function = "jsonb_object_agg"
    output_field = JSONField()


def prices_subquery() -> Subquery:
    """{strategy key: price as text} of the outer product, for ``.annotate()`` (one query for a page
    of products and their prices; text so that no price passes through a float)."""
    rows = (ProductPrice.objects.filter(product_id=OuterRef("pk")).values("product_id")
            .annotate(j=_JSONObjectAgg("strategy__key", Cast("price", TextField()))).values("j"))
    return Subquery(rows, output_field=JSONField())


def _save_prices(product: Product, prices: dict[str, Decimal | None], known: dict[str, PriceStrategy], by) -> None:
    """Store the given strategies' prices and record each change in the price history."""
    current = {row.strategy_id: row for row in ProductPrice.objects.filter(product=product)}
    changes = []
    for key, new in prices.items():
        strategy = known[key]
        row = current.get(strategy.pk)
        old = row.price if row else None
        if old == new:
            continue
        if new is None:
            row.delete()
        elif row is None:
            ProductPrice.objects.create(product=product, strategy=strategy, price=new)
        else:
            ProductPrice.objects.filter(pk=row.pk).update(price=new)
        changes.append(PriceChange(product=product, strategy=strategy, old_price=old, new_price=new, changed_by=by))
    PriceChange.objects.bulk_create(changes)


# --- products ------------------------------------------------------------------------------------


def _assign(product: Product, fields: Mapping) -> None:
    for key, value in fields.items():
        if key in PRODUCT_FIELDS:
            setattr(product, key, value.strip() if isinstance(value, str) and key != "remark" else value)


def _validate(product: Product, *, by, prices, cost_price) -> tuple[dict, object]:
    """Field errors of the whole input at once (nothing is written when there is one)."""
    errors: dict[str, list[str]] = {}
    try:
        product.full_clean(exclude=["code", "search_tokens", "category"], validate_unique=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if product.code and Product.objects.filter(code=product.code).exclude(pk=product.pk).exists():
        errors.setdefault("code", []).append(_("Product code %(code)s is already in use.") % {"code": product.code})
    if cost_price is not UNSET:
        # Checked even when the caller checked the module's permission itself (imports): the right is personal.
        if by is not None and not may_see_cost(by):
            errors.setdefault("cost_price", []).append(_("Your role may not see or set the cost price."))
        else:
            try:
                cost_price = clean_price(cost_price)
            except ValidationError as exc:
                errors.setdefault("cost_price", []).extend(exc.messages)
    known = {s.key: s for s in strategies()}
    cleaned = _clean_prices(prices or {}, known, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned, cost_price


def _save(product: Product, **kwargs) -> None:
    try:
        with transaction.atomic():
            product.save(**kwargs)
    except IntegrityError:
        # Another request took the code between the check and the insert.
        raise ValidationError({"code": [_("Product code %(code)s is already in use.") % {"code": product.code}]}) from None


def _record_cost(product: Product, old, new, by) -> None:
    if old != new:
        PriceChange.objects.create(product=product, strategy=None, old_price=old, new_price=new, changed_by=by)


@transaction.atomic
def create_product(
    *, by, prices: Mapping[str, object] | None = None, cost_price=UNSET, check_permission: bool = True, **fields,
) -> Product:
    """Create a product with its prices (``{strategy key: price}``); the code is generated when blank."""
    if check_permission:
        require(by, "products", "create")
    product = Product(created_by=by)
    _assign(product, fields)
    cleaned, cost = _validate(product, by=by, prices=prices, cost_price=cost_price)
    if cost is not UNSET:
        product.cost_price = cost
    if not product.code:
        [product.pk] = reserve_ids(Product)
        product.code = f"CP{product.pk:06d}"
    apply_search_keys(product)
    _save(product, force_insert=True)
    known = {s.key: s for s in strategies()}
    _save_prices(product, {k: v for k, v in cleaned.items() if v is not None}, known, by)
    if product.cost_price is not None:
        _record_cost(product, None, product.cost_price, by)
    return product


@transaction.atomic
def update_product(
    product: Product, *, by, prices: Mapping[str, object] | None = None, cost_price=UNSET,
    check_permission: bool = True, **fields,
) -> Product:
    """Change a product; prices not given stay as they are, a blank price removes it."""
    if check_permission:
        require(by, "products", "edit")
    # Locked so that two edits record their price changes one after the other, each from the real old price.
    locked = Product.objects.select_for_update().get(pk=product.pk)
    old_cost = locked.cost_price
    _assign(product, fields)
    cleaned, cost = _validate(product, by=by, prices=prices, cost_price=cost_price)
    product.cost_price = old_cost if cost is UNSET else cost
    apply_search_keys(product)
    _save(product)
    _save_prices(product, cleaned, {s.key: s for s in strategies()}, by)
    _record_cost(product, old_cost, product.cost_price, by)
    return product


def set_discontinued(products: QuerySet, *, by, discontinued: bool) -> int:
    """Mark products discontinued (gone from pickers, kept on documents) or back on sale."""
    require(by, "products", "edit")
    return products.exclude(discontinued=discontinued).update(discontinued=discontinued)


def set_category(products: QuerySet, *, by, category: Category | None) -> int:
    """Move products to another category (or none)."""
    require(by, "products", "edit")
    return products.update(category=category)


def delete_products(products: QuerySet, *, by) -> int:
    """Each product to the recycle bin as its own entry (restored one by one)."""
    require(by, "products", "delete")
    count = 0
    for product in products:
        recycle_bin.trash(product, by=by)
        count += 1
    return count


def ensure_category_path(path: str, *, by) -> Category | None:
    """The category at ``办公用品 / 纸张`` (or ``办公用品/纸张``, ``>`` too), made where missing (imports)."""
    names = [n.strip() for n in path.replace(">", "/").split("/") if n.strip()]
    parent = None
    for name in names:
        found = Category.objects.filter(parent=parent, name=name).first()
        parent = found or create_category(by=by, name=name, parent=parent)
    return parent


def delete_product(product: Product, *, by):
    """To the recycle bin (documents keep their lines; the product can be restored)."""
    require(by, "products", "delete")
    return recycle_bin.trash(product, by=by)


def pickable(queryset: QuerySet | None = None) -> QuerySet:
    """Products that may go on a new document line: not discontinued."""
    return (Product.objects.all() if queryset is None else queryset).filter(discontinued=False)


# --- categories ----------------------------------------------------------------------------------


def _require_catalogue(by) -> None:
    require(by, "products", "edit")


def _clean_name(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({field: [_("Enter a name.")]})
    return name


def _check_sibling_name(name: str, parent: Category | None, exclude: int | None = None) -> None:
    if Category.objects.filter(parent=parent, name=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": [_("There is already a category “%(name)s” here.") % {"name": name}]})


@transaction.atomic
def create_category(*, by, name: str, parent: Category | None = None) -> Category:
    """A new category, last among its siblings."""
    _require_catalogue(by)
    name = _clean_name(name)
    _check_sibling_name(name, parent)
    last = Category.objects.filter(parent=parent).aggregate(m=Max("position"))["m"]
    try:
        with transaction.atomic():
            return Category.objects.create(name=name, parent=parent, position=0 if last is None else last + 1)
    except IntegrityError:
        raise ValidationError({"name": [_("There is already a category “%(name)s” here.") % {"name": name}]}) from None


@transaction.atomic
def rename_category(category: Category, *, by, name: str) -> Category:
    _require_catalogue(by)
    name = _clean_name(name)
    _check_sibling_name(name, category.parent, exclude=category.pk)
    category.name = name
    category.save(update_fields=["name"])
    return category


def descendant_ids(category: Category) -> set[int]:
    """The category and every category below it."""
    tree: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        tree.setdefault(parent_id, []).append(pk)
    out, todo = set(), [category.pk]
    while todo:
        pk = todo.pop()
        out.add(pk)
        todo.extend(tree.get(pk, ()))
    return out


@transaction.atomic
def move_category(category: Category, *, by, parent: Category | None, position: int) -> Category:
    """Put ``category`` under ``parent`` at ``position`` among its new siblings (drag and drop)."""
    _require_catalogue(by)
    # One reorder at a time: two drags at once would interleave their renumbering.
    list(Category.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    category.refresh_from_db()
    if parent is not None and parent.pk in descendant_ids(category):
        raise ValidationError({"parent": [_("A category cannot go under itself or one of its subcategories.")]})
    if (parent.pk if parent else None) != category.parent_id:
        _check_sibling_name(category.name, parent, exclude=category.pk)
    siblings = list(Category.objects.filter(parent=parent).exclude(pk=category.pk).order_by("position", "pk"))
    position = max(0, min(int(position), len(siblings)))
    siblings.insert(position, category)
    category.parent = parent
    for index, node in enumerate(siblings):
        node.position = index
    category.save(update_fields=["parent", "position"])
    Category.objects.bulk_update([c for c in siblings if c.pk != category.pk], ["position"])
    return category


@transaction.atomic
def delete_category(category: Category, *, by) -> None:
    """Remove an empty category (a category with subcategories or products is refused)."""
    _require_catalogue(by)
    if category.children.exists():
        raise ValidationError({"category": [_("“%(name)s” has subcategories: move or delete them first.") % {
            "name": category.name}]})
    if Product.objects.filter(category=category).exists():
        raise ValidationError({"category": [_("“%(name)s” has products: move them to another category first.") % {
            "name": category.name}]})
    # Products in the recycle bin lose the category (SET_NULL), as after any move.
    category.delete()


def category_tree() -> list[tuple[Category, int]]:
    """Every category with its depth, depth-first in sibling order (one query)."""
    children: dict[int | None, list[Category]] = {}
    for category in Category.objects.order_by("position", "pk"):
        children.setdefault(category.parent_id, []).append(category)
    out: list[tuple[Category, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for node in children.get(parent_id, ()):
            out.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return out


def category_path(category: Category | None) -> str:
    """办公用品 / 纸张 / A4: the category's place in the tree."""
    names = []
    seen = set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        names.append(category.name)
        category = category.parent
    return " / ".join(reversed(names))


# --- price strategies ----------------------------------------------------------------------------


BOSS_ONLY_STRATEGIES = gettext_lazy("Only the Boss may change the price strategies.")


@transaction.atomic
def create_strategy(*, by, name: str) -> PriceStrategy:
    """A new price strategy (the Boss's), last in the list."""
    require_boss(by, str(BOSS_ONLY_STRATEGIES))
    name = _clean_name(name)
    if any(s.label == name for s in strategies()):
        raise ValidationError({"name": [_("There is already a price strategy “%(name)s”.") % {"name": name}]})
    base = slugify(name)[:20] or "strategy"
    key, n = base, 1
    while PriceStrategy.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    last = PriceStrategy.objects.aggregate(m=Max("position"))["m"] or 0
    return PriceStrategy.objects.create(key=key, name=name, position=last + 1)


@transaction.atomic
def rename_strategy(strategy: PriceStrategy, *, by, name: str) -> PriceStrategy:
    require_boss(by, str(BOSS_ONLY_STRATEGIES))
    name = _clean_name(name)
    if any(s.label == name and s.pk != strategy.pk for s in strategies()):
        raise ValidationError({"name": [_("There is already a price strategy “%(name)s”.") % {"name": name}]})
    strategy.name = name
    strategy.save(update_fields=["name"])
    return strategy


def reorder_strategies(ordered_ids: Sequence[int], *, by) -> None:
    require_boss(by, str(BOSS_ONLY_STRATEGIES))
    with transaction.atomic():
        known = {s.pk: s for s in PriceStrategy.objects.select_for_update()}
        if set(ordered_ids) != set(known):
            raise ValidationError({"order": [_("Give every price strategy once.")]})
        for index, pk in enumerate(ordered_ids):
            known[pk].position = index
        PriceStrategy.objects.bulk_update(known.values(), ["position"])


def check_not_builtin(strategy: PriceStrategy) -> None:
    if strategy.builtin:
        raise PermissionDenied(_("The built-in price strategies cannot be deleted."))


@transaction.atomic
def delete_strategy(strategy: PriceStrategy, *, by) -> None:
    """Remove a strategy the Boss added, with its prices (the built-in four stay)."""
    require_boss(by, str(BOSS_ONLY_STRATEGIES))
    check_not_builtin(strategy)
    strategy.delete()
