"""Erasure of one customer's personal data across the services: asked here, tracked here."""

import json
import uuid
from datetime import datetime
from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException
from orderflow_contracts.privacy import ERASING_SERVICES
from orderflow_runtime.http import Actor
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from orderflow_intake import operations
from orderflow_intake.api.schemas import Problem
from orderflow_intake.privacy import store, use_cases

DESCRIPTION = (
    "Erases the customer's name, e-mail, buyer id, phone and address lines (country, region and"
    " postal area stay) from every order of that e-mail, its raw payloads (and refused bodies"
    " that hold the e-mail), parked updates and audit entries in intake, in this request's"
    " transaction, and asks routing, inventory and notifications to erase theirs. Answered 202"
    " once the request is stored and its event is in intake's outbox; follow it at"
    " `GET /privacy/erasures/{erasure_id}`. The order's facts (lines, amounts, dates, status)"
    " stay for accounting and KPIs. The e-mail is never logged nor sent on: the services match"
    " its SHA-256 digest."
)


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"
        ),
    ] = Field(description="the customer's e-mail, in any case")


class ErasureAccepted(BaseModel):
    erasure_id: uuid.UUID
    orders: int = Field(description="the customer's orders intake erased")
    status_url: str


class ServiceProgress(BaseModel):
    service: str
    erased_at: datetime | None = Field(description="None: not answered yet")
    counts: dict[str, int] = Field(default_factory=dict, description="records erased, by kind")


class ErasureStatus(BaseModel):
    erasure_id: uuid.UUID
    actor: str
    requested_at: datetime
    orders: int
    complete: bool = Field(description="every service holding buyer data has answered")
    services: list[ServiceProgress]


def create_router(pool: asyncpg.Pool) -> APIRouter:
    router = APIRouter(prefix="/privacy/erasures", tags=["privacy"])

    @router.post(
        "",
        status_code=202,
        response_model=ErasureAccepted,
        summary="Erase one customer's personal data, by e-mail, in every service",
        description=DESCRIPTION,
    )
    async def request_erasure(body: ErasureRequest, actor: Actor) -> ErasureAccepted:
        async with operations.unit_of_work(pool) as uow:
            erasure_id = await use_cases.request_erasure(uow, body.email, actor)
        row = await store.erasure(pool, erasure_id)
        assert row is not None  # committed just above
        return ErasureAccepted(
            erasure_id=erasure_id,
            orders=row["orders"],
            status_url=f"/privacy/erasures/{erasure_id}",
        )

    @router.get(
        "/{erasure_id}",
        response_model=ErasureStatus,
        responses={404: {"model": Problem}},
        summary="An erasure's progress: each service's answer and what it erased",
    )
    async def erasure_status(erasure_id: uuid.UUID) -> ErasureStatus:
        row = await store.erasure(pool, erasure_id)
        if row is None:
            raise HTTPException(404, f"no erasure {erasure_id}")
        answers = {a["service"]: a for a in await store.progress_of(pool, erasure_id)}
        services = [
            ServiceProgress(service=name, erased_at=None)
            if (answer := answers.get(name)) is None
            else ServiceProgress(
                service=name, erased_at=answer["erased_at"], counts=json.loads(answer["counts"])
            )
            for name in ERASING_SERVICES
        ]
        return ErasureStatus(
            erasure_id=erasure_id,
            actor=row["actor"],
            requested_at=row["requested_at"],
            orders=row["orders"],
            complete=all(s.erased_at is not None for s in services),
            services=services,
        )

    return router
