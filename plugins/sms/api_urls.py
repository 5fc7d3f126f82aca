from rest_framework.routers import SimpleRouter

from plugins.sms import api

router = SimpleRouter()
router.register("templates", api.TemplateViewSet, basename="sms-template")
urlpatterns = router.urls
