"""REST endpoints of the product catalogue, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from saas_core.products import api

router = SimpleRouter()
router.register("products", api.ProductViewSet, basename="product")
router.register("product-categories", api.CategoryViewSet, basename="product-category")
router.register("price-strategies", api.PriceStrategyViewSet, basename="price-strategy")

urlpatterns = router.urls
