"""The data files shipped in this folder (patterns, tables, playbooks), read by name.

Plain `open` on the package folder: `importlib.resources` costs the hook ~20 ms of imports
(pathlib, zipfile, tempfile) on every failure, and the package is always installed unpacked.
"""

from __future__ import annotations

import os

FOLDER = os.path.dirname(os.path.abspath(__file__))


def data_path(name: str) -> str:
    """The path of the shipped file `name` (relative to this folder, `/`-separated)."""
    return os.path.join(FOLDER, *name.split("/"))


def read_data(name: str) -> str:
    """The text of the shipped file `name`."""
    with open(data_path(name), encoding="utf-8") as handle:
        return handle.read()


def data_names(folder: str) -> list[str]:
    """The file names in the shipped folder `folder`, sorted."""
    return sorted(os.listdir(data_path(folder)))
