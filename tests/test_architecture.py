"""The house's import rules hold (pyproject.toml [tool.importlinter], docs/architecture.md): the
floor imports no app, and no app imports one above it — so there is no import cycle between apps."""

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept(tmp_path, capsys):
    cwd = os.getcwd()
    os.chdir(ROOT)  # the contracts live in pyproject.toml
    try:
        status = lint_imports(no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert status == 0, capsys.readouterr().out
