"""`orderflow run`'s operators: a keys file with an admin, an operator and a reader that every
service is started with, and their keys beside it for the person at the screen."""

from pathlib import Path

from orderflow_devstack.keys import create_demo_keys
from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.stack import Endpoints
from orderflow_runtime.access import Keys, Operator, Role


def test_the_run_has_an_admin_an_operator_and_a_reader_whose_keys_the_services_know(
    tmp_path: Path,
) -> None:
    keys = create_demo_keys(tmp_path)
    known = Keys.load(keys.keys_file)
    assert {name: known.operator(key) for name, key in keys.keys.items()} == {
        "admin@demo": Operator("admin@demo", Role.ADMIN),
        "operator@demo": Operator("operator@demo", Role.OPERATE),
        "reader@demo": Operator("reader@demo", Role.READ),
    }
    assert keys.operator_key not in keys.keys_file.read_text()  # only their SHA-256
    lines = keys.keys_text.read_text().splitlines()
    assert f"operator@demo operate {keys.operator_key}" in lines
    assert keys.keys_text.stat().st_mode & 0o077 == 0
    assert create_demo_keys(tmp_path).operator_key != keys.operator_key  # new on every run

    services = ServiceProcesses(
        Endpoints("127.0.0.1:9092", "postgresql://x", 25),
        tmp_path / "seller.json",
        tmp_path,
        api_keys_file=keys.keys_file,
    )
    for service in ("intake", "routing", "inventory", "fulfillment", "notifications"):
        env = services._environment(service)
        assert env[f"{service.upper()}_API_KEYS_FILE"] == str(keys.keys_file.resolve())
