from pathlib import Path

from orderflow_bench.warm import AT_LEAST_S, QUIET_CPU_S, compiler_cpu_s, settled


def _thread(proc: Path, pid: int, tid: int, name: str, utime: int, stime: int) -> None:
    task = proc / str(pid) / "task" / str(tid)
    task.mkdir(parents=True)
    (task / "comm").write_text(name + "\n")
    # pid (comm) state ppid ... utime is the 14th field, stime the 15th; comm may hold spaces
    fields = ["S", *["0"] * 10, str(utime), str(stime), "0", "0"]
    (task / "stat").write_text(f"{tid} ({name}) " + " ".join(fields) + "\n")


def test_compiler_cpu_counts_only_the_jit_threads(tmp_path: Path) -> None:
    _thread(tmp_path, 7, 8, "C2 CompilerThre", 250, 50)
    _thread(tmp_path, 7, 9, "C1 CompilerThre", 40, 10)
    _thread(tmp_path, 7, 10, "data-plane-kafk", 900, 100)
    assert compiler_cpu_s(7, tmp_path) == 3.5


def test_compiler_cpu_is_unknown_without_the_threads_names(tmp_path: Path) -> None:
    assert compiler_cpu_s(7, tmp_path) is None  # no such process
    _thread(tmp_path, 7, 8, "python3", 250, 50)
    assert compiler_cpu_s(7, tmp_path) is None  # not a JVM


def test_warm_once_compiling_falls_quiet_after_the_least_time() -> None:
    busy, quiet = QUIET_CPU_S * 10, QUIET_CPU_S / 2
    assert not settled([busy, quiet], AT_LEAST_S - 1)
    assert not settled([quiet, busy], AT_LEAST_S + 1)
    assert not settled([], AT_LEAST_S + 1)
    assert settled([busy, quiet], AT_LEAST_S)
