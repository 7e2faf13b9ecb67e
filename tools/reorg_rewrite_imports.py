"""One-off, for merging a branch cut before the core/ reorg (issue 17 part 2); delete once merged.

    python tools/reorg_rewrite_imports.py $(git ls-files src tests conf docs notebooks tools README.md pyproject.toml)

Rewrites dotted paths (synthetic_intelligence.core.<old>, core.<old>), `from synthetic_intelligence.core import <old>`
lines (to `from ...core.<pkg> import <new> as <old>`, so code bodies keep working) and file paths (core/<old>.py).
Safe to run again on already rewritten files. Afterwards: ruff check --select I --fix (import order).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MAP = {
    "isolation": ("isolation", "split"), "isolation_columns": ("isolation", "columns"),
    "isolation_params": ("isolation", "params"), "new_world": ("isolation", "new_world"),
    "synthetic": (None, "worlds"),
    "experiment": ("experiment", "registry"), "training_sets": ("experiment", "training_sets"),
    "resample": ("experiment", "resample"), "smote": ("experiment", "imblearn_lanes"),
    "generation": ("experiment", "generation"), "learners": ("experiment", "learners"),
    "repeats": ("experiment", "repeats"), "scorecard": ("experiment", "scorecard"),
    "metrics": ("experiment", "metrics"),
    "benchmark": ("benchmark", "run"), "benchmark_data": ("benchmark", "tables"),
    "benchmark_diagnostics": ("benchmark", "diagnostics"), "benchmark_stats": ("benchmark", "stats"),
    "scaling": ("scaling", "measure"), "scaling_mixed": ("scaling", "mixed"), "scaling_report": ("scaling", "report"),
    "h2o_utils": ("engines", "h2o"), "mojo": ("engines", "mojo"), "spark_session": ("engines", "spark"),
    "lifecycle": ("engines", "lifecycle"),
}
PKGS = {"isolation", "experiment", "benchmark", "scaling"}  # old module names that are now packages

def new_dotted(old):
    pkg, mod = MAP[old]
    return f"{pkg}.{mod}" if pkg else mod

def new_path(old):
    pkg, mod = MAP[old]
    return f"{pkg}/{mod}" if pkg else mod

NAMES = "|".join(sorted(MAP, key=len, reverse=True))
# from synthetic_intelligence.core import a, b as c   (single line or parenthesised)
FROM_CORE = re.compile(r"^(?P<indent>[ \t]*)from synthetic_intelligence\.core import (?P<names>\([^)]*\)|[^\n#]+?)(?P<comment>[ \t]*#[^\n]*)?$", re.M)
NEW_SUBS = "split|columns|params|new_world|registry|training_sets|resample|imblearn_lanes|generation|learners|repeats|scorecard|metrics|run|tables|diagnostics|stats|measure|mixed|report"
# idempotent: an old name that is now a package is left alone when one of its new modules follows
DOTTED = re.compile(rf"(?<![\w])(?<![\w]\.)((?:synthetic_intelligence\.)?core)\.(?:(?!(?:isolation|experiment|benchmark|scaling)(?:\.(?:{NEW_SUBS})\b| import \(?\s*(?:{NEW_SUBS})\b)))({NAMES})\b")
PATH = re.compile(rf"(?<![\w/])(core)/({NAMES})(?=\.py\b|\.[a-zA-Z_])")
PATH_BARE = re.compile(r"(?<![\w/])(core)/(isolation_columns|isolation_params|new_world|synthetic|training_sets|resample|smote|generation|learners|repeats|scorecard|metrics|benchmark_data|benchmark_diagnostics|benchmark_stats|scaling_mixed|scaling_report|h2o_utils|mojo|spark_session|lifecycle)\b(?![\w*/])")

def fix_from_core(m):
    indent, names, comment = m["indent"], m["names"], m["comment"] or ""
    items = [n.strip() for n in names.strip("()").replace("\n", " ").split(",") if n.strip()]
    keep, lines = [], []
    for item in items:
        parts = item.split(" as ")
        name = parts[0].strip()
        alias = parts[1].strip() if len(parts) > 1 else None
        if name in MAP:
            pkg, mod = MAP[name]
            target = alias or name
            base = f"synthetic_intelligence.core.{pkg}" if pkg else "synthetic_intelligence.core"
            lines.append(f"{indent}from {base} import {mod}" + (f" as {target}" if target != mod else ""))
        else:
            keep.append(item)
    if not lines:
        return m.group(0)
    if keep:
        lines.insert(0, f"{indent}from synthetic_intelligence.core import {', '.join(keep)}")
    lines[0] += comment
    return "\n".join(lines)

def rewrite(text, is_py):
    text = DOTTED.sub(lambda m: f"{m[1]}.{new_dotted(m[2])}", text)
    if is_py:
        text = FROM_CORE.sub(fix_from_core, text)
    text = PATH.sub(lambda m: f"{m[1]}/{new_path(m[2])}", text)
    text = PATH_BARE.sub(lambda m: f"{m[1]}/{new_path(m[2])}", text)
    return text

if __name__ == "__main__":
    changed = []
    for f in sys.argv[1:]:
        p = Path(f)
        try:
            t = p.read_text()
        except (UnicodeDecodeError, IsADirectoryError):
            continue
        n = rewrite(t, p.suffix == ".py")
        if n != t:
            p.write_text(n)
            changed.append(f)
    sys.stdout.write("".join(f"{f}\n" for f in changed))
