"""Every service keeps the shape the README promises: its SQL only in its store, and no
function a reader has to scroll through. Read from the source, not imported."""

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).parents[3] / "services"
SQL_CALLS = {"fetch", "fetchrow", "fetchval", "execute", "executemany", "copy_records_to_table"}
LONGEST_FUNCTION = 60  # lines; the largest were 173 and 156 before issue 13


def modules(service: str) -> list[tuple[Path, ast.Module]]:
    source = SERVICES / service / "src"
    return [
        (path.relative_to(source), ast.parse(path.read_text())) for path in source.rglob("*.py")
    ]


def is_store(path: Path) -> bool:
    return path.stem == "store" or "store" in path.parts[:-1]


@pytest.mark.parametrize("service", sorted(p.name for p in SERVICES.iterdir() if p.is_dir()))
def test_sql_runs_only_in_the_store(service: str) -> None:
    outside = {
        f"{path}:{node.lineno}"
        for path, tree in modules(service)
        if not is_store(path)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    }
    assert outside == set()


@pytest.mark.parametrize("service", sorted(p.name for p in SERVICES.iterdir() if p.is_dir()))
def test_no_function_is_longer_than_a_screen(service: str) -> None:
    long = {
        f"{path}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"  # type: ignore[operator]
        for path, tree in modules(service)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > LONGEST_FUNCTION  # type: ignore[operator]
    }
    assert long == set()
