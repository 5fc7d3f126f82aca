"""REST endpoints of attachments, mounted under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from saas_core.attachments import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("attachments", api.AttachmentViewSet, basename="attachment")

urlpatterns = [
    path("customers/<int:pk>/attachments/", api.ParentAttachmentsView.as_view(parent_key="customer"),
         name="customer-attachments"),
    path("", include(router.urls)),
]
