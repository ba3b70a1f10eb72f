"""An operator changes routing's reference data through its API, without a restart: a new
version is validated, audited and used by the next order; a what-if replays past decisions
against a change without emitting anything."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_routing import what_if_cli
from orderflow_runtime.access import Role, add_operator
from orderflow_testing.system import TestSystem, eventually

from tests.integration.routing.test_replica_at_start import publish_level
from tests.use_cases.conftest import accepted

pytestmark = pytest.mark.integration
LIN = {"X-Actor": "lin"}  # the API is open here (no keys file): the caller names themself


def _priced(reference: dict, carrier: str, base: str) -> dict:
    """The reference with every lane of the carrier's services at a new base price."""
    services = [
        s | {"lanes": [ln | {"rates": ln["rates"] | {"base": base}} for ln in s["lanes"]]}
        if s["carrier"] == carrier
        else s
        for s in reference["services"]
    ]
    return reference | {"services": services}


async def test_a_new_version_is_used_by_the_next_order_and_a_what_if_replays_it(
    system: TestSystem, start, tmp_path, capsys
) -> None:
    await system.create_topics([])
    await publish_level(await system.bus("inventory"), "MUG-RED", "us-ontario", 5)
    service = await start(system, "routing")
    routing = await system.db("routing")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://routing"
    ) as client:
        first = (await client.get("/reference")).json()
        assert (first["version"], first["source"]) == (1, "setup")
        reference = first["reference"]

        twice = reference | {"locations": reference["locations"] * 2, "version": 2}
        invalid = await client.put("/reference", json=twice, headers=LIN)
        stale = await client.put("/reference", json=reference, headers=LIN)
        dearer_usps = _priced(reference, "usps", "50") | {"version": 2}
        stored = await client.put(
            "/reference", json=dearer_usps, headers=LIN, params={"note": "usps rise"}
        )
        assert invalid.status_code == 422
        assert "location us-ontario is given 2 times" in invalid.text
        assert stale.status_code == 409
        assert "version must be 2 (the latest + 1), not 1" in stale.text
        assert stored.status_code == 200, stored.text

        intake = await system.bus("intake")
        await intake.publish(topics.ORDERS, "o-1", accepted("o-1", ("MUG-RED", 1)))
        await intake.flush()
        await eventually(lambda: routing.fetchval("SELECT count(*) = 1 FROM decisions"))
        decision = (await client.get("/orders/o-1/decision")).json()["decisions"][0]
        history = (await client.get("/reference/versions")).json()

        outbox = await routing.fetchval("SELECT count(*) FROM outbox")
        now = datetime.now(UTC)
        window = {"since": (now - timedelta(hours=1)).isoformat(), "until": now.isoformat()}
        cheap_usps = {"services": _priced(reference, "usps", "4.80")["services"]}
        what_if = await client.post("/what-if", json=window | {"patch": cheap_usps})
        broken = await client.post("/what-if", json=window | {"patch": {"locations": [{}]}})

    assert [s["service"] for s in decision["chosen"]] == ["standard"]  # ups, not usps at 50
    assert decision["reference_version"] == 2
    [chosen_plan] = [p for p in decision["plans"] if p["verdict"] == "chosen"]
    assert chosen_plan["cost"]["total"] == "8.80"  # ups 7.90 + 0.90 x 1 started kg
    assert {c["location_id"] for c in decision["candidates"]} == {
        "us-ontario", "de-3pl", "cn-shenzhen"
    }  # fmt: skip
    assert [(v["version"], v["source"], v["changed_by"], v["note"]) for v in history] == [
        (2, "api", "lin", "usps rise"),
        (1, "setup", "", ""),
    ]
    report = what_if.json()
    assert what_if.status_code == 200, what_if.text
    assert report["changed_decisions"] == 1
    [change] = report["changes"]
    assert (change["before"], change["after"]) == (
        ["us-ontario:ups/standard"],
        ["us-ontario:usps/ground-advantage"],
    )
    assert (report["baseline"]["cost"], report["what_if"]["cost"]) == ("8.80", "5.90")
    assert broken.status_code == 422
    patch_file = tmp_path / "cheap-usps.json"
    patch_file.write_text(json.dumps(cheap_usps))
    url = await system.database_url("routing")
    cli = ["--patch", str(patch_file), "--since", window["since"], "--database-url", url]
    await asyncio.to_thread(what_if_cli.main, cli)  # a process of its own, as from a shell
    out = capsys.readouterr().out  # the services' logs too: the report is the last thing
    printed = json.loads(out[out.rindex('{\n  "decisions_in_window"') :])
    assert printed["changes"] == report["changes"]
    assert printed["decisions_in_window"] == printed["replayed"] == 1
    assert await routing.fetchval("SELECT count(*) FROM outbox") == outbox  # nothing emitted
    assert await routing.fetchval("SELECT count(*) FROM decisions") == 1


async def test_only_an_admin_changes_the_reference_data_and_is_named_for_it(
    system: TestSystem, start, tmp_path
) -> None:
    keys_file = tmp_path / "keys.json"
    operator = add_operator(keys_file, "lin@seller", Role.OPERATE)
    admin = add_operator(keys_file, "boss@seller", Role.ADMIN)
    await system.create_topics([])
    service = await start(system, "routing", api_keys_file=keys_file)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://routing"
    ) as client:
        as_admin = {"X-API-Key": admin, "X-Actor": "mallory"}
        reading = await client.get("/reference", headers={"X-API-Key": operator})
        reference = (await client.get("/reference", headers=as_admin)).json()["reference"]
        refused = await client.put(
            "/reference", json=reference | {"version": 2}, headers={"X-API-Key": operator}
        )
        stored = await client.put("/reference", json=reference | {"version": 2}, headers=as_admin)

    assert reading.status_code == 200  # reading the setup is a reader's
    assert refused.status_code == 403 and "needs admin" in refused.text
    assert stored.status_code == 200 and stored.json()["changed_by"] == "boss@seller"


async def test_a_window_too_large_for_one_request_is_refused_with_the_cli_to_use(
    system: TestSystem, start
) -> None:
    await system.create_topics([])
    service = await start(system, "routing")
    routing = await system.db("routing")
    await routing.execute(
        "INSERT INTO decisions (order_id, attempt, outcome, explanation, decided_at)"
        " SELECT 'o-' || n, 1, 'planned', '{}', now() - interval '30 minutes'"
        " FROM generate_series(1, 2001) AS n"
    )
    now = datetime.now(UTC)
    hour = {"since": (now - timedelta(hours=1)).isoformat(), "until": now.isoformat()}
    minutes = {"since": (now - timedelta(minutes=10)).isoformat(), "until": now.isoformat()}
    cheaper_split = {"patch": {"weights": {"split_per_extra_shipment": "0"}}}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://routing"
    ) as client:
        too_large = await client.post("/what-if", json=hour | cheaper_split)
        narrower = await client.post("/what-if", json=minutes | cheaper_split)

    assert too_large.status_code == 413, too_large.text
    detail = too_large.json()["detail"]
    assert "holds 2,001 decisions" in detail and "at most 2,000" in detail
    assert f"orderflow-routing-what-if --since {hour['since']}" in detail
    assert narrower.status_code == 200, narrower.text
    assert narrower.json()["decisions_in_window"] == 0
