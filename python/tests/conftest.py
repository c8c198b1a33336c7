"""Shared fixtures of the Python package's tests (scripts/python_tests.sh runs them).

Environment: RSBENCH_KORADVMRS_DIR (default ../shared/datasets/koradvmrs beside the
checkout), RSBENCH_BIN (the cargo-built `rsbench`; default: the package's own
`rsbench` command, the same code), RSBENCH_MECAB_DIC (default the checkout's
.dict/mecab-ko-dic-2.1.1).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_cache_by_default(monkeypatch):
    # The tests' scores never go to the user's cache; a test that wants one names it.
    monkeypatch.setenv("RSBENCH_NO_CACHE", "1")


@pytest.fixture(scope="session")
def koradvmrs() -> str:
    found = os.environ.get("RSBENCH_KORADVMRS_DIR") or str(ROOT.parent / "shared" / "datasets" / "koradvmrs")
    if not Path(found, "negation.jsonl").is_file():
        pytest.fail(f"KorAdvMRS not found at {found} (set RSBENCH_KORADVMRS_DIR)")
    return found


@pytest.fixture(scope="session")
def dictionary() -> str:
    found = os.environ.get("RSBENCH_MECAB_DIC") or str(ROOT / ".dict" / "mecab-ko-dic-2.1.1")
    if not Path(found, "lex.csv").is_file():
        pytest.fail(f"mecab-ko-dic not found at {found} (run scripts/setup.sh or set RSBENCH_MECAB_DIC)")
    return found


@pytest.fixture(scope="session")
def cli():
    """Runs the rsbench command line; returns the finished process."""
    binary = os.environ.get("RSBENCH_BIN")
    base = [binary] if binary else [sys.executable, "-m", "rsbench"]

    def run(*args, cwd):
        env = dict(os.environ, RSBENCH_NO_CACHE="1")
        return subprocess.run(base + [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)

    return run
