"""Who may call a service's API: operators with API keys and roles.

- read: every GET;
- operate: every other method (release, fix an address, cancel, replay...);
- admin: what changes the setup (other methods on the service's admin routes: reference data,
  catalog, seller preferences), besides all of the above.

The keys file holds each operator's name, role and the SHA-256 of their key, never the key:
`python -m orderflow_runtime.access add <file> <name> <role>` adds one and prints its key once.
A request names its key as `Authorization: Bearer <key>` or `X-API-Key: <key>`; what it does is
audited under the operator's name. With no keys file the API is open (development): a warning
at start says so and the caller's `X-Actor` header is taken as the actor."""

import argparse
import enum
import hashlib
import json
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

# Declared so that the OpenAPI document, and Swagger UI's Authorize button, know them.
_BEARER = HTTPBearer(auto_error=False, description="an operator's API key")
_API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="the same, as a header")


class Role(enum.IntEnum):
    READ = 1
    OPERATE = 2
    ADMIN = 3


@dataclass(frozen=True)
class Operator:
    name: str
    role: Role


class KeysFileError(ValueError):
    """A keys file a service must not start with: named, with what is wrong."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Keys:
    by_digest: dict[str, Operator]

    @classmethod
    def load(cls, path: Path) -> "Keys":
        try:
            entries = json.loads(path.read_text())["operators"]
            operators = {
                entry["key_sha256"]: Operator(entry["name"], Role[entry["role"].upper()])
                for entry in entries
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise KeysFileError(
                f"{path}: not a keys file ({error!r}); expected"
                ' {"operators": [{"name": ..., "role": "read|operate|admin",'
                ' "key_sha256": ...}]}'
            ) from None
        if not operators:
            raise KeysFileError(f"{path}: no operators: nobody could call the API")
        return cls(operators)

    def operator(self, key: str) -> Operator | None:
        return self.by_digest.get(digest(key))


def _under(path: str, routes: tuple[str, ...]) -> bool:
    return any(path == route or path.startswith(route.rstrip("/") + "/") for route in routes)


def required_role(method: str, path: str, admin_routes: tuple[str, ...]) -> Role:
    if method in ("GET", "HEAD", "OPTIONS"):
        return Role.READ
    return Role.ADMIN if _under(path, admin_routes) else Role.OPERATE


def guard(
    keys: Keys | None, admin_routes: tuple[str, ...], public_routes: tuple[str, ...] = ()
) -> object:
    """The dependency every route of a service's own API runs first. `public_routes` answer
    partners who prove themselves otherwise (a marketplace's webhook signs its body)."""

    async def authorize(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
        x_api_key: Annotated[str | None, Depends(_API_KEY)],
    ) -> None:
        if keys is None or _under(request.url.path, public_routes):
            return
        key = x_api_key or (bearer.credentials if bearer else "")
        operator = keys.operator(key) if key else None
        if operator is None:
            raise HTTPException(
                401,
                "an API key is needed: Authorization: Bearer <key> (or X-API-Key)"
                if not key
                else "this API key is not known",
                headers={"WWW-Authenticate": "Bearer"},
            )
        needed = required_role(request.method, request.url.path, admin_routes)
        if operator.role < needed:
            raise HTTPException(
                403,
                f"{operator.name} has the role {operator.role.name.lower()};"
                f" {request.method} {request.url.path} needs {needed.name.lower()}",
            )
        request.state.operator = operator

    return Depends(authorize)


async def actor(
    request: Request,
    x_actor: Annotated[
        str | None,
        Header(
            alias="X-Actor",
            max_length=200,
            description="who does this, where the API is open (no keys file); with keys, the"
            " key's operator is recorded and this is ignored",
        ),
    ] = None,
) -> str:
    operator: Operator | None = getattr(request.state, "operator", None)
    if operator is not None:
        return operator.name
    if not x_actor:
        raise HTTPException(422, "X-Actor: say who does this (the API has no keys file)")
    return x_actor


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orderflow_runtime.access")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add an operator; prints their key once")
    add.add_argument("file", type=Path)
    add.add_argument("name")
    add.add_argument("role", choices=[role.name.lower() for role in Role])
    args = parser.parse_args(argv)
    key = add_operator(args.file, args.name, Role[args.role.upper()])
    sys.stdout.write(f"{key}\n")


def add_operator(path: Path, name: str, role: Role) -> str:
    """Adds (or replaces) `name` in the keys file with a new key; returns the key."""
    document = json.loads(path.read_text()) if path.exists() else {"operators": []}
    key = f"of_{secrets.token_urlsafe(24)}"
    document["operators"] = [e for e in document["operators"] if e["name"] != name] + [
        {"name": name, "role": role.name.lower(), "key_sha256": digest(key)}
    ]
    path.write_text(json.dumps(document, indent=2) + "\n")
    return key


if __name__ == "__main__":
    main()
