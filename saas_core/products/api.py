"""REST endpoints of the product catalogue (PRD-01), thin over products.services.

- ``/products/`` list (``?search=`` pinyin/code/barcode, ``?category=`` with subcategories,
  ``?status=on_sale|discontinued``, ``?review=1``, ``?ordering=code|name|category|created|cost``),
  create, retrieve, update, delete (to the recycle bin); ``/products/{id}/price-history/``
- ``/product-categories/`` the tree in order; ``/product-categories/{id}/move/ {parent, position}``
- ``/price-strategies/`` the strategies; the Boss adds, renames and removes his own

The cost price is in the answers only for roles with the "see cost price" right.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from saas_core.org.access import ModulePermission, is_boss
from saas_core.products import queries, services
from saas_core.products.access import may_see_cost
from saas_core.products.models import Category, PriceChange, PriceStrategy, Product
from saas_core.products.serializers import (
    CategoryMoveSerializer,
    CategorySerializer,
    PriceChangeSerializer,
    PriceStrategySerializer,
    ProductSerializer,
)


def _as_api_error(exc: DjangoValidationError) -> ValidationError:
    """A service's field map, with ``price_<key>`` errors nested under ``prices``."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({"non_field_errors": exc.messages})
    errors: dict = {}
    for field, messages in exc.message_dict.items():
        if field.startswith("price_"):
            errors.setdefault("prices", {})[field.removeprefix("price_")] = messages
        else:
            errors[field] = messages
    return ValidationError(errors)


class ProductViewSet(viewsets.ModelViewSet):
    """The company's product catalogue (every role with the products module sees all of it)."""

    serializer_class = ProductSerializer
    permission_classes = [ModulePermission]
    permission_module = "products"
    permission_action = {"price_history": "view"}
    filter_backends: list = []  # search, filters and ordering are the list page's own (products.queries)

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params.copy()
            if "ordering" in params:
                params["sort"] = params["ordering"]
            params["q"] = params.get("search", "")
            return queries.filtered(params, self.request.user)
        return Product.objects.select_related("category")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "prices": getattr(self, "_prices", None)}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._prices = services.price_map(page)  # one query for the page's prices
        return page

    @extend_schema(parameters=[
        OpenApiParameter("search", str), OpenApiParameter("category", int),
        OpenApiParameter("status", str, enum=list(queries.STATUSES)), OpenApiParameter("review", bool),
        OpenApiParameter("ordering", str, enum=[*queries.SORTS, *(f"-{k}" for k in queries.SORTS)]),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _service_kwargs(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        if "cost_price" in data and data["cost_price"] is None:
            data["cost_price"] = ""
        return data

    def _answer(self, product: Product, code=status.HTTP_200_OK) -> Response:
        product = Product.objects.select_related("category").get(pk=product.pk)
        return Response(ProductSerializer(product, context=super().get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            product = services.create_product(by=request.user, **self._service_kwargs(serializer))
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from None
        return self._answer(product, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        product = self.get_object()
        serializer = self.get_serializer(product, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        try:
            services.update_product(product, by=request.user, **self._service_kwargs(serializer))
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from None
        return self._answer(product)

    def destroy(self, request, *args, **kwargs):
        services.delete_product(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=PriceChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="price-history", pagination_class=None)
    def price_history(self, request, pk=None):
        """The product's price changes, newest first; cost-price changes only for roles with the right."""
        changes = PriceChange.objects.filter(product=self.get_object()).select_related("strategy", "changed_by")
        if not may_see_cost(request.user):
            changes = changes.filter(strategy__isnull=False)
        return Response(PriceChangeSerializer(changes[:200], many=True).data)


class CategoryViewSet(viewsets.ModelViewSet):
    """The category tree, depth-first in sibling order; changing it needs the products' edit right."""

    serializer_class = CategorySerializer
    permission_classes = [ModulePermission]
    permission_module = "products"
    permission_action = {"create": "edit", "destroy": "edit", "move": "edit"}
    pagination_class = None  # a company has tens of categories, not thousands
    filter_backends: list = []

    def get_queryset(self):
        return Category.objects.all()

    def list(self, request, *args, **kwargs):
        return Response(CategorySerializer([c for c, _depth in services.category_tree()], many=True).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = services.create_category(by=request.user, **serializer.validated_data)
        return Response(CategorySerializer(category).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        category = self.get_object()
        serializer = self.get_serializer(category, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "name" in data:
            services.rename_category(category, by=request.user, name=data["name"])
        if "parent" in data and data["parent"] != category.parent:
            services.move_category(category, by=request.user, parent=data["parent"], position=10**6)
        category.refresh_from_db()
        return Response(CategorySerializer(category).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_category(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CategoryMoveSerializer, responses=CategorySerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Put the category under ``parent`` (null: top level) at ``position`` among its siblings."""
        category = self.get_object()
        serializer = CategoryMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.move_category(category, by=request.user, **serializer.validated_data)
        category.refresh_from_db()
        return Response(CategorySerializer(category).data)


class PriceStrategyViewSet(viewsets.ModelViewSet):
    """The price strategies in order; only the Boss adds, renames or removes (the built-in four stay)."""

    serializer_class = PriceStrategySerializer
    permission_classes = [ModulePermission]
    permission_module = "products"
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return PriceStrategy.objects.all()

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not is_boss(request.user):
            raise PermissionDenied(services.BOSS_ONLY_STRATEGIES)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        strategy = services.create_strategy(by=request.user, name=serializer.validated_data.get("name", ""))
        return Response(PriceStrategySerializer(strategy).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        strategy = self.get_object()
        serializer = self.get_serializer(strategy, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        if "name" in serializer.validated_data:
            services.rename_strategy(strategy, by=request.user, name=serializer.validated_data["name"])
        return Response(PriceStrategySerializer(strategy).data)

    def destroy(self, request, *args, **kwargs):
        try:
            services.delete_strategy(self.get_object(), by=request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
