"""routing's reference data over HTTP: read it, store a new version (validated, audited, used
from the next order on, without a restart), and ask what a change would have done."""

from datetime import datetime
from typing import Any

import structlog
from fastapi import APIRouter, HTTPException, Query
from orderflow_runtime import RunningService
from orderflow_runtime.http import Actor
from pydantic import BaseModel, Field, ValidationError

from orderflow_routing import store, what_if
from orderflow_routing.reference import ReferenceData
from orderflow_routing.use_cases import References

log = structlog.get_logger()


class VersionInfo(BaseModel):
    version: int
    source: str = Field(description="setup: the seller setup file; api: an operator")
    changed_by: str
    note: str
    created_at: datetime


class StoredReference(VersionInfo):
    reference: ReferenceData


MOST_OVER_HTTP = 2_000  # decisions a what-if replays within one request


class WhatIfRequest(BaseModel):
    since: datetime
    until: datetime
    reference: dict[str, Any] | None = Field(
        default=None, description="a whole reference document to replay against"
    )
    patch: dict[str, Any] | None = Field(
        default=None,
        description="or a JSON merge patch on the version in use, e.g."
        ' {"weights": {"split_per_extra_shipment": "0"}}',
    )


def changed_reference(current: ReferenceData, request: WhatIfRequest) -> ReferenceData:
    """The document to replay against; a 422 naming every problem if it is not valid."""
    body = request.reference or what_if.merged(current.model_dump(mode="json"), request.patch or {})
    try:
        return ReferenceData.model_validate(body)
    except ValidationError as error:
        raise HTTPException(422, _problems(error)) from error


def _too_many(held: int, request: WhatIfRequest) -> str:
    window = f"--since {request.since.isoformat()} --until {request.until.isoformat()}"
    return (
        f"the window holds {held:,} decisions; a what-if over HTTP replays at most"
        f" {MOST_OVER_HTTP:,}. Narrow since/until, or replay it from a shell on routing's"
        f" database: orderflow-routing-what-if {window} --patch change.json"
        " (or --reference document.json)"
    )


def _problems(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc']) or 'reference'}: {e['msg']}" for e in error.errors()
    ]


def router(service: RunningService, references: References) -> APIRouter:
    api = APIRouter(tags=["reference data"])
    api.include_router(_reading(service))
    api.include_router(_changing(service, references))
    return api


async def _stored(service: RunningService, version: int) -> StoredReference:
    async with service.pool.acquire() as conn:
        found = await store.reference(conn, version)
    if found is None:
        raise HTTPException(404, f"no reference data version {version}")
    return StoredReference(
        version=version, source=found.source, changed_by=found.changed_by,
        note=found.note, created_at=found.created_at, reference=found.data,
    )  # fmt: skip


def _reading(service: RunningService) -> APIRouter:
    api = APIRouter()

    async def stored(version: int) -> StoredReference:
        return await _stored(service, version)

    @api.get("/reference", summary="The reference data in use: the latest version")
    async def current() -> StoredReference:
        async with service.pool.acquire() as conn:
            version = await store.latest_reference_version(conn)
        if version is None:
            raise HTTPException(404, "no reference data stored yet")
        return await stored(version)

    @api.get("/reference/versions", summary="Every version, newest first, with who and why")
    async def history() -> list[VersionInfo]:
        async with service.pool.acquire() as conn:
            return [VersionInfo(**row) for row in await store.reference_history(conn)]

    @api.get("/reference/versions/{version}", summary="One version")
    async def one(version: int) -> StoredReference:
        return await stored(version)

    return api


def _changing(service: RunningService, references: References) -> APIRouter:
    api = APIRouter()

    @api.put(
        "/reference",
        summary="Store a new version; the next order uses it, on every instance",
        responses={
            409: {"description": "its version is not the latest + 1"},
            403: {"description": "an operator without the admin role"},
            422: {"description": "not valid: every problem is named"},
        },
    )
    async def replace(
        reference: ReferenceData,
        changed_by: Actor,
        note: str = Query("", description="why, for the audit trail"),
    ) -> VersionInfo:
        async with service.pool.acquire() as conn:
            if not await store.save_reference(conn, reference, changed_by, note):
                latest = await store.latest_reference_version(conn)
                raise HTTPException(
                    409,
                    f"version must be {(latest or 0) + 1} (the latest + 1), not {reference.version}",
                )
            await references.current(conn)
        log.info("reference.stored", version=reference.version, changed_by=changed_by)
        info = await _stored(service, reference.version)
        return VersionInfo.model_validate(info.model_dump(exclude={"reference"}))

    @api.post(
        "/what-if",
        summary="Replay past decisions against changed reference data",
        responses={
            413: {
                "description": f"the window holds more than {MOST_OVER_HTTP:,} decisions:"
                " narrow it, or run orderflow-routing-what-if on routing's database"
            },
            422: {"description": "the changed reference data is not valid: every problem named"},
        },
    )
    async def replay(request: WhatIfRequest) -> what_if.Report:
        async with service.pool.acquire() as conn:
            changed = changed_reference((await references.current(conn)).data, request)
            held = await store.count_decisions_between(conn, request.since, request.until)
            if held > MOST_OVER_HTTP:
                raise HTTPException(413, _too_many(held, request))
            return await what_if.replay(conn, changed, request.since, request.until)

    return api
