"""The CRM's Django project and the core apps that live in every tenant schema."""

from saas_core.celery import app as celery_app

__all__ = ["celery_app"]
