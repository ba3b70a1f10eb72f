"""notifications' HTTP API: what each customer was told, and what they and the seller want; the
customer's own unsubscribe page, public."""

from fastapi import APIRouter
from orderflow_runtime import RunningService

from orderflow_notifications.api import notifications, preferences, unsubscribe
from orderflow_notifications.unsubscribe import Links

PUBLIC_ROUTES = ("/unsubscribe",)  # a customer's browser or mail client: the token proves them


def router(service: RunningService, links: Links) -> APIRouter:
    api = APIRouter()
    api.include_router(notifications.router(service))
    api.include_router(preferences.router(service, links))
    api.include_router(unsubscribe.router(service, links))
    return api
