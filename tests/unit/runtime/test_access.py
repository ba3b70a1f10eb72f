"""Operators' keys and roles: a keys file holds digests, never keys; each method and route
needs its role."""

import json
from pathlib import Path

import pytest
from orderflow_runtime.access import (
    Keys,
    KeysFileError,
    Role,
    add_operator,
    guard,
    required_role,
)


def test_an_added_operator_is_known_by_their_key_and_the_file_keeps_no_key(tmp_path: Path):
    keys_file = tmp_path / "keys.json"
    key = add_operator(keys_file, "lin@seller", Role.OPERATE)
    other = add_operator(keys_file, "ops@seller", Role.READ)

    keys = Keys.load(keys_file)
    assert keys.operator(key).name == "lin@seller"
    assert keys.operator(other).role is Role.READ
    assert keys.operator("of_guessed") is None
    assert key not in keys_file.read_text()
    again = add_operator(keys_file, "lin@seller", Role.ADMIN)  # a new key replaces the old
    assert Keys.load(keys_file).operator(key) is None
    assert Keys.load(keys_file).operator(again).role is Role.ADMIN


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("not json", "not a keys file"),
        ('{"operators": [{"name": "x", "role": "boss", "key_sha256": "ab"}]}', "not a keys file"),
        ('{"operators": []}', "nobody could call the API"),
    ],
)
def test_a_bad_keys_file_is_named_with_what_is_wrong(tmp_path: Path, content: str, says: str):
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(content)
    with pytest.raises(KeysFileError, match=says):
        Keys.load(keys_file)


def test_reading_needs_read_acting_operate_and_the_setup_admin():
    admin = ("/reference", "/preferences")
    assert required_role("GET", "/orders/o-1", admin) is Role.READ
    assert required_role("POST", "/orders/o-1/release", admin) is Role.OPERATE
    assert required_role("PUT", "/reference/carriers", admin) is Role.ADMIN
    assert required_role("GET", "/preferences", admin) is Role.READ  # reading the setup
    assert required_role("PUT", "/preferences-of-someone", admin) is Role.OPERATE
    assert json.dumps([r.name for r in Role]) == '["READ", "OPERATE", "ADMIN"]'


async def test_public_routes_need_no_key_and_the_rest_do(tmp_path: Path):
    import httpx
    from fastapi import APIRouter, FastAPI

    keys_file = tmp_path / "keys.json"
    key = add_operator(keys_file, "lin@seller", Role.READ)
    routes = APIRouter()

    @routes.post("/webhooks/shopify")
    async def webhook() -> str:
        return "taken"

    @routes.get("/orders")
    async def orders() -> list[str]:
        return []

    app = FastAPI()
    app.include_router(routes, dependencies=[guard(Keys.load(keys_file), (), ("/webhooks",))])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://x"
    ) as client:
        assert (await client.post("/webhooks/shopify")).status_code == 200
        assert (await client.get("/orders")).status_code == 401
        assert (await client.get("/orders", headers={"X-API-Key": key})).status_code == 200
