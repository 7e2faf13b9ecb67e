"""Atomic saves for versioned datasets: a version is complete or absent.

The content is written into a hidden folder next to the version folder and
published by one ``rename`` (atomic on a POSIX file system).  A failed or
interrupted save (an exception, Ctrl-C) removes the partial folder; a process
killed outright leaves it hidden (``.<version>.partial-<pid>-<id>``), and
Kedro's version lookup never matches it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kedro.io import DatasetError

PARTIAL = ".partial-"


@contextmanager
def atomic_save(save_path: Path, *, versioned: bool) -> Iterator[Path]:
    """Yield the path to write ``save_path``'s content to; publish it when the block ends.

    ``versioned``: the unit made visible at once is the version folder
    (``<filepath>/<version>/``), else ``save_path`` itself.  Refuses to replace
    an existing unit.
    """
    unit = save_path.parent if versioned else save_path
    if unit.exists():
        raise DatasetError(f"refusing to overwrite existing {unit}")
    unit.parent.mkdir(parents=True, exist_ok=True)
    staging = unit.parent / f".{unit.name}{PARTIAL}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    target = staging / save_path.relative_to(unit) if versioned else staging / unit.name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        yield target
        if unit.exists():
            raise DatasetError(f"refusing to overwrite existing {unit} (written while this save ran)")
        os.rename(staging if versioned else target, unit)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not versioned:
        shutil.rmtree(staging, ignore_errors=True)
