"""The project installs as a package whose dependencies are the pinned requirements."""
from __future__ import annotations

import tomllib

from helpers import REPO


def _requirements() -> list[str]:
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_package_dependencies_are_the_pinned_requirements():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["dependencies"] == _requirements()
    assert all("==" in r for r in project["dependencies"])
    assert project["scripts"]["wensou"] == "cli:cli"


def test_user_dictionary_ships_inside_the_package():
    from indexer import analysis, paths

    assert paths.USER_DICT.is_file()
    assert paths.USER_DICT.is_relative_to(REPO / "indexer")
    assert analysis.USER_DICT == paths.USER_DICT
