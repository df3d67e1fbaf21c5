"""requirements/lock.txt pins every dependency pyproject.toml names (main and the `test` extra),
at a version the range allows, with hashes: `make install` installs from the lock alone, so a
dependency added to pyproject.toml without `make lock` would be missing on a fresh machine."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if match := PIN.match(line):
            found[canonicalize_name(match[1])] = match[2]
    return found


def test_every_dependency_is_locked_in_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    locked = pins()
    stale = []
    for spec in wanted:
        requirement = Requirement(spec)
        version = locked.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            stale.append(f"{spec} (lock: {version or 'missing'})")
    assert not stale, "requirements/lock.txt is stale, run `make lock`: " + ", ".join(stale)


def test_every_pin_has_a_hash():
    text = (ROOT / "requirements" / "lock.txt").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert blocks and all("--hash=sha256:" in block for block in blocks if PIN.match(block))
