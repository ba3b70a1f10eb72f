"""notifications' HTTP API: what each customer was told, and what they and the seller want."""

from fastapi import APIRouter
from orderflow_runtime import RunningService

from orderflow_notifications.api import notifications, preferences


def router(service: RunningService) -> APIRouter:
    api = APIRouter()
    api.include_router(notifications.router(service))
    api.include_router(preferences.router(service))
    return api
