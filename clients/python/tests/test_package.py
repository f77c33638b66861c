"""`pip install ./clients/python` gives a package that imports as `easel` (built offline with setuptools)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pip_install_builds_and_imports(tmp_path):
    # From a copy, so the build's leftovers (build/, *.egg-info) stay out of the work tree.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns("tests", "__pycache__", "build", "*.egg-info"))
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps", "--no-index",
         "--target", str(target), str(source)],
        check=True,
        cwd=tmp_path,
    )
    assert (target / "easel" / "py.typed").exists()
    out = subprocess.run(
        [sys.executable, "-c", "import easel, sys; print(easel.__file__); print(easel.Easel.__name__)"],
        env={"PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.split()
    assert out[0].startswith(str(target)) and out[1] == "Easel"
