"""pyproject.toml and environment.yml declare the same dependencies with the same lower bounds."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.version import Version

from layers.paths import PROJECT_ROOT

#: conda-forge name → PyPI name, where they differ.
CONDA_TO_PYPI = {"pyosmium": "osmium"}
#: conda entries that are not Python package dependencies.
CONDA_ONLY = {"python", "pip"}

_CONDA_SPEC = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def _normalise(name: str) -> str:
    """PEP 503 name, with conda-forge names mapped to PyPI ones."""
    name = re.sub(r"[-_.]+", "-", name).lower()
    return CONDA_TO_PYPI.get(name, name)


def _lower_bound(specs: list[tuple[str, str]]) -> Version | None:
    bounds = [Version(v.rstrip(".*")) for op, v in specs if op in (">=", "==", "=", "~=")]
    return max(bounds) if bounds else None


def _pyproject() -> dict[str, Version | None]:
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    out = {}
    for line in data["project"]["dependencies"]:
        req = Requirement(line)
        out[_normalise(req.name)] = _lower_bound([(s.operator, s.version) for s in req.specifier])
    return out


def _conda_entries(text: str) -> list[str]:
    """The ``dependencies:`` list of environment.yml, pip sub-list included (no YAML library)."""
    entries: list[str] = []
    inside = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line.startswith((" ", "-")):
            inside = line.strip() == "dependencies:"
            continue
        item = line.strip()
        if inside and item.startswith("- "):
            value = item[2:].strip().strip("'\"")
            if not value.endswith(":"):  # "- pip:" opens the pip sub-list
                entries.append(value)
    return entries


def _environment() -> dict[str, Version | None]:
    out = {}
    for entry in _conda_entries((PROJECT_ROOT / "environment.yml").read_text()):
        match = _CONDA_SPEC.match(entry)
        assert match, entry
        name, spec = match.groups()
        if _normalise(name) in CONDA_ONLY:
            continue
        specs = re.findall(r"(>=|==|~=|<=|!=|<|>|=)\s*([0-9][0-9A-Za-z.*]*)", spec)
        out[_normalise(name)] = _lower_bound(specs)
    return out


def test_dependency_names_match() -> None:
    pip, conda = _pyproject(), _environment()
    assert set(pip) == set(conda), (
        f"only in pyproject.toml: {sorted(set(pip) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(pip))}"
    )


def test_dependency_lower_bounds_match() -> None:
    pip, conda = _pyproject(), _environment()
    differ = {
        n: (str(pip[n]), str(conda[n])) for n in pip.keys() & conda.keys() if pip[n] != conda[n]
    }
    assert not differ, f"lower bounds differ (pyproject, environment.yml): {differ}"
    assert all(v is not None for v in pip.values()), "every dependency should have a lower bound"


def test_osmium_is_declared_under_both_names() -> None:
    env = (PROJECT_ROOT / "environment.yml").read_text()
    assert "osmium" in _pyproject()
    assert re.search(r"^\s*-\s*pyosmium\b", env, flags=re.MULTILINE)


def test_parser_reads_pip_sublists_and_conda_specs() -> None:
    text = (
        "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python>=3.11\n"
        "  - numpy >=1.26  # comment\n  - pyosmium=3.7\n  - pip\n  - pip:\n"
        "    - Streamlit_Folium>=0.22\n"
    )
    assert _conda_entries(text) == [
        "python>=3.11",
        "numpy >=1.26",
        "pyosmium=3.7",
        "pip",
        "Streamlit_Folium>=0.22",
    ]
    assert _normalise("Streamlit_Folium") == "streamlit-folium"
    assert _normalise("pyosmium") == "osmium"
