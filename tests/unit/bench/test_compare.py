import json
from pathlib import Path

import pytest
from orderflow_bench.compare import UnreadableRun, compare, load, newest, run
from rich.console import Console


def write_run(folder: Path, name: str, cases: dict[str, tuple[float, str]]) -> Path:
    path = folder / name
    body = {
        "at": name,
        "cases": [
            {"case": c, "unit": u, "median": m, "repeats": [m]} for c, (m, u) in cases.items()
        ],
    }
    path.write_text(json.dumps(body))
    return path


def test_a_rate_is_also_compared_as_a_share_of_each_runs_ceiling(tmp_path):
    old = write_run(
        tmp_path,
        "old.json",
        {"ceiling (relay limit)": (50_000.0, "msg/s"), "order to pick task": (1_000.0, "orders/s")},
    )
    new = write_run(
        tmp_path,
        "new.json",
        {"ceiling (relay limit)": (25_000.0, "msg/s"), "order to pick task": (600.0, "orders/s")},
    )
    rows = {row.case: row for row in compare(load(old), load(new))}
    pipeline = rows["order to pick task"]
    assert pipeline.change == pytest.approx(0.6)  # slower as measured...
    assert pipeline.of_ceiling == pytest.approx(1.2)  # ...on a machine half as fast: better
    assert rows["ceiling (relay limit)"].of_ceiling is None


def test_ratios_and_latencies_are_compared_as_measured(tmp_path):
    cases = {"ceiling (relay limit)": (50_000.0, "msg/s"), "latency p99": (400.0, "ms")}
    old = load(write_run(tmp_path, "old.json", cases))
    new = load(write_run(tmp_path, "new.json", cases | {"latency p99": (300.0, "ms")}))
    (latency,) = [row for row in compare(old, new) if row.case == "latency p99"]
    assert (latency.change, latency.of_ceiling) == (pytest.approx(0.75), None)


def test_a_case_in_one_run_only_is_shown_with_the_other_side_empty(tmp_path):
    old = load(write_run(tmp_path, "old.json", {"scale-out": (0.8, "ratio")}))
    new = load(write_run(tmp_path, "new.json", {"flash sale": (3_000.0, "answers/s")}))
    rows = compare(old, new)
    assert [(r.case, r.old, r.new, r.change) for r in rows] == [
        ("flash sale", None, 3_000.0, None),
        ("scale-out", 0.8, None, None),
    ]


def test_the_newest_full_run_is_chosen_over_smoke_runs(tmp_path):
    write_run(tmp_path, "bench-20261201T100000Z.json", {})
    write_run(tmp_path, "bench-20261202T100000Z.json", {})
    write_run(tmp_path, "bench-20261203T100000Z-smoke.json", {})
    assert newest(tmp_path) == tmp_path / "bench-20261202T100000Z.json"


def test_a_file_that_is_not_a_run_is_named_in_a_clear_error(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(UnreadableRun, match=r"notes\.json: not a bench results file"):
        load(path)


def test_the_command_says_what_to_do_when_there_is_no_run(tmp_path):
    console = Console(record=True, width=200)
    old = write_run(tmp_path, "reference.json", {"ceiling (relay limit)": (1.0, "msg/s")})
    assert run(old, None, tmp_path / "results", console) == 2
    assert "run `make bench` first" in console.export_text()


def test_the_command_prints_both_runs_side_by_side(tmp_path):
    console = Console(record=True, width=200)
    cases = {"ceiling (relay limit)": (20_000.0, "msg/s"), "pipeline": (500.0, "orders/s")}
    old = write_run(tmp_path, "old.json", cases)
    new = write_run(tmp_path, "new.json", cases | {"pipeline": (550.0, "orders/s")})
    assert run(old, new, tmp_path, console) == 0
    text = console.export_text()
    assert "pipeline" in text and "1.10x" in text


def test_a_missing_file_is_named_with_the_reason(tmp_path):
    with pytest.raises(UnreadableRun, match=r"gone\.json: cannot be read \(No such file"):
        load(tmp_path / "gone.json")
