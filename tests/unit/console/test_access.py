"""The console with the operators' keys file: the page's key goes with every call, so a
service checks its role (a reader's release is refused with 403, "needs operate") and audits
its operator; the console's own routes check the key the same way."""

from pathlib import Path
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, FastAPI
from orderflow_console.app import create_app
from orderflow_console.config import ConsoleSettings
from orderflow_runtime import access
from orderflow_runtime.access import Role, add_operator

ORDER = {"channel": "shopify", "external_id": "1001", "received_at": "2026-12-05T10:00:00Z"}


def _intake(keys_file: Path, audit: list[str]) -> FastAPI:
    """A stand-in for intake's API behind the runtime's own guard, recording its actor."""
    router = APIRouter()

    @router.post("/orders/{order_id}/release")
    async def release(order_id: str, actor: Annotated[str, Depends(access.actor)]) -> dict:
        audit.append(f"{actor} released {order_id}")
        return {"status": "accepted"}

    @router.get("/orders/{order_id}")
    async def order(order_id: str) -> dict:
        return {**ORDER, "order_id": order_id}

    api = FastAPI()
    api.include_router(router, dependencies=[access.guard(access.Keys.load(keys_file), ())])  # type: ignore[list-item]
    return api


async def test_a_reader_cannot_release_and_an_operator_is_audited_by_name(
    tmp_path: Path,
) -> None:
    keys_file = tmp_path / "keys.json"
    reader = add_operator(keys_file, "reader@demo", Role.READ)
    operator = add_operator(keys_file, "operator@demo", Role.OPERATE)
    audit: list[str] = []
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=_intake(keys_file, audit)))
    app = create_app(
        ConsoleSettings(upstreams={"intake": "http://intake"}, api_keys_file=keys_file), client
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://console"
    ) as console:
        services = (await console.get("/api/services")).json()
        anonymous = await console.get("/api/whoami")
        me = (await console.get("/api/whoami", headers={"X-API-Key": reader})).json()
        read = await console.get("/api/intake/orders/o-1", headers={"X-API-Key": reader})
        refused = await console.post(
            "/api/intake/orders/o-1/release", headers={"X-API-Key": reader}, json={}
        )
        released = await console.post(
            "/api/intake/orders/o-1/release",
            headers={"Authorization": f"Bearer {operator}", "X-Actor": "somebody else"},
            json={},
        )
        timeline = await console.get("/api/timeline/o-1", headers={"X-API-Key": reader})
        no_key_timeline = await console.get("/api/timeline/o-1")
    assert services["api_keys"] is True
    assert anonymous.status_code == 401
    assert me == {"name": "reader@demo", "role": "read", "api_keys": True}
    assert read.status_code == 200
    assert refused.status_code == 403 and "needs operate" in refused.text, refused.text
    assert released.status_code == 200, released.text
    assert audit == ["operator@demo released o-1"]  # the key's operator, not X-Actor
    assert timeline.status_code == 200, timeline.text  # its reads carried the reader's key
    assert [entry["step"] for entry in timeline.json()["entries"]] == ["received"]
    assert no_key_timeline.status_code == 401
