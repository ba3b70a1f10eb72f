from datetime import timedelta

import structlog
from fastapi import APIRouter
from orderflow_contracts import topics
from orderflow_runtime import RunningService, ServiceSpec, UnitOfWork, every, every_with_service

from orderflow_notifications import api, delays, kpis, privacy
from orderflow_notifications.config import Settings
from orderflow_notifications.handlers import subscriptions
from orderflow_notifications.lanes import LaneTransits
from orderflow_notifications.sender import sender_task
from orderflow_notifications.templates import Catalog

log = structlog.get_logger()


def create_spec(settings: Settings) -> ServiceSpec:
    retention = timedelta(days=settings.pii_retention_days)
    links = settings.unsubscribe_links()
    if settings.unsubscribe_secret is None:
        log.warning(
            "notifications.unsubscribe_development_key",
            detail="unsubscribe links are signed with the development key: set"
            " NOTIFICATIONS_UNSUBSCRIBE_SECRET wherever real customers get mail",
        )

    def routes(service: RunningService) -> APIRouter:
        return api.router(service, links)

    async def purge_buyer_data(uow: UnitOfWork) -> int:
        return await privacy.use_cases.purge_expired(uow, retention)

    forecast = delays.DelayForecast(settings.delay_quantile, settings.delay_min_samples)

    async def tell_predicted_delays(service: RunningService, uow: UnitOfWork) -> int:
        # Replicas share the consumer group: each tells only of the parcels whose news it reads.
        owned = await service.owned_partitions(topics.FULFILLMENT_STATUS)
        return await delays.tell_own_predicted_delays(uow, forecast, owned, settings.merge_window_s)

    return ServiceSpec(
        name="notifications",
        migrations_package="orderflow_notifications",
        subscriptions=subscriptions(settings.merge_window_s, LaneTransits(forecast)),
        # A seller's template folder that does not read stops the service here, at start.
        background=(
            sender_task(settings, Catalog.load(settings.templates_dir)),
            every(settings.pii_purge_interval_s, purge_buyer_data),
            every_with_service(settings.delay_check_interval_s, tell_predicted_delays),
        ),
        api=routes,
        kpis=kpis.for_metrics,
        admin_routes=("/preferences",),  # the seller's; a customer's own are an operator's
        public_routes=api.PUBLIC_ROUTES,
    )
