"""The operators' API keys of `orderflow run`: a keys file in the run directory every service
and the console read (<SERVICE>_API_KEYS_FILE), with an admin, an operator and a reader, and
their keys in a file beside it for the person at the screen (the keys file holds only their
SHA-256). New keys on every run."""

from dataclasses import dataclass
from pathlib import Path

from orderflow_runtime.access import Role, add_operator

DEMO_OPERATORS = (
    ("admin@demo", Role.ADMIN),
    ("operator@demo", Role.OPERATE),
    ("reader@demo", Role.READ),
)


@dataclass(frozen=True)
class DemoKeys:
    keys_file: Path  # names, roles and SHA-256 of the keys: what the services read
    keys_text: Path  # the keys themselves, one "<name> <role> <key>" a line
    keys: dict[str, str]  # operator name -> key

    @property
    def operator_key(self) -> str:
        return self.keys["operator@demo"]


def create_demo_keys(run_dir: Path) -> DemoKeys:
    run_dir.mkdir(parents=True, exist_ok=True)
    keys_file, keys_text = run_dir / "api-keys.json", run_dir / "api-keys.txt"
    keys_file.unlink(missing_ok=True)
    keys = {name: add_operator(keys_file, name, role) for name, role in DEMO_OPERATORS}
    keys_text.write_text(
        "".join(f"{name} {role.name.lower()} {keys[name]}\n" for name, role in DEMO_OPERATORS)
    )
    keys_text.chmod(0o600)
    return DemoKeys(keys_file, keys_text, keys)
