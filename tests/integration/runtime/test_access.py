"""A service with a keys file: who may call what, and the audit names the key's operator, not
whatever X-Actor says."""

from pathlib import Path

import httpx
import pytest
from orderflow_runtime.access import Role, add_operator
from orderflow_testing.system import TestSystem

pytestmark = pytest.mark.integration


async def test_keys_and_roles_guard_the_api_and_name_the_actor(
    system: TestSystem, start, smtp, tmp_path: Path
) -> None:
    keys_file = tmp_path / "keys.json"
    reader = add_operator(keys_file, "reader@seller", Role.READ)
    operator = add_operator(keys_file, "lin@seller", Role.OPERATE)
    admin = add_operator(keys_file, "boss@seller", Role.ADMIN)
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port, api_keys_file=keys_file)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://notifications"
    ) as client:

        async def put(path: str, key: str, body: dict) -> httpx.Response:
            headers = {"Authorization": f"Bearer {key}", "X-Actor": "mallory"}
            return await client.put(path, json=body, headers=headers)

        assert (await client.get("/healthz")).json()["api_access"] == "keys"  # open to probes
        anonymous = await client.get("/notifications")
        assert anonymous.status_code == 401 and "API key is needed" in anonymous.text
        unknown = await client.get("/notifications", headers={"X-API-Key": "of_guess"})
        assert unknown.status_code == 401 and "not known" in unknown.text
        read = await client.get("/notifications", headers={"X-API-Key": reader})
        assert read.status_code == 200

        customer = "/customers/a@example.com/preferences"
        refused = await put(customer, reader, {"opted_out": True})
        assert refused.status_code == 403 and "needs operate" in refused.text
        done = await put(customer, operator, {"opted_out": True})
        assert done.status_code == 200
        assert done.json()["updated_by"] == "lin@seller"  # not mallory

        assert (await put("/preferences", operator, {})).status_code == 403  # the seller's setup
        seller = await put("/preferences", admin, {"confirm_channels": ["shopify"]})
        assert seller.status_code == 200 and seller.json()["updated_by"] == "boss@seller"
