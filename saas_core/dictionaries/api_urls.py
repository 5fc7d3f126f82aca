"""REST endpoints of this app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from saas_core.dictionaries import api

router = SimpleRouter()
router.register(r"dictionaries/(?P<type_key>[-\w]+)/items", api.DictionaryItemViewSet, basename="dictionary-item")
router.register("dictionaries", api.DictionaryTypeViewSet, basename="dictionary-type")

urlpatterns = router.urls
