"""Runtime ``--params`` that no pipeline reads refused before the run starts (:class:`ParametersHook`)."""

from __future__ import annotations

import difflib

from kedro.framework.hooks import hook_impl

from synthetic_intelligence.core.errors import ConfigurationError


def _leaf_paths(value, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """``{"a": {"b": 1, "c": 2}}`` -> ``[("a", "b"), ("a", "c")]`` (an empty dict is a leaf)."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in _leaf_paths(v, (*prefix, str(k)))]
    return [prefix]


def parameter_paths_read(pipelines) -> set[tuple[str, ...]]:
    """Every ``params:a.b.c`` a node of these pipelines reads, as ``("a", "b", "c")``; ``("",)`` for ``parameters``."""
    paths: set[tuple[str, ...]] = set()
    for pipeline in pipelines:
        for name in pipeline.inputs() | {i for n in pipeline.nodes for i in n.inputs}:
            if name == "parameters":
                paths.add(())
            elif name.startswith("params:"):
                paths.add(tuple(name.removeprefix("params:").split(".")))
    return paths


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many leading keys two parameter paths share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def check_runtime_params(runtime: dict, read: set[tuple[str, ...]]) -> None:
    """Refuse a runtime parameter (``kedro run --params``) that no node of any pipeline reads.

    A parameter ``a.b.c`` is read when a node reads ``params:a`` / ``params:a.b`` / ``params:a.b.c``
    (the node gets it, and a typed parameter model refuses keys it does not know) or a parameter
    below it (``params:a.b.c.d``). Anything else (``learner.max_models=3`` where the group is
    ``learners``) would be ignored without a word: :class:`ConfigurationError` naming the key,
    with the closest known name (difflib) and the known names at that level.
    """
    if () in read:  # a node reads every parameter
        return
    for path in _leaf_paths(runtime):
        if not path or any(r[: len(path)] == path or path[: len(r)] == r for r in read):
            continue
        depth = max((_shared(path, r) for r in read), default=0)  # the deepest level that exists
        prefix = path[:depth]
        known = sorted({r[depth] for r in read if r[:depth] == prefix and len(r) > depth})
        key = ".".join(path)
        where = f"parameter group {path[0]!r}" if depth == 0 else f"key {path[depth]!r} under {'.'.join(prefix)}"
        close = difflib.get_close_matches(path[depth], known, n=1)
        hint = f"did you mean {'.'.join((*prefix, close[0]))!r}? " if close else ""
        raise ConfigurationError(
            f"unknown parameter {key!r} (--params): no pipeline reads a {where}; {hint}"
            f"the {'groups' if depth == 0 else 'keys there'} are: {', '.join(known)}")


class ParametersHook:
    """Runtime parameters (``kedro run --params``) that no pipeline reads stop the run before it starts.

    Kedro merges ``--params`` into the parameters as given: a misspelt group
    (``learner.max_models=3`` for ``learners.automl.max_models``) makes a new key that nothing
    reads and the run goes on with the configured value. Typed parameter groups already refuse
    unknown keys (pydantic); this refuses the rest, with a "did you mean" hint, right after the
    context is created (before the catalog, the hooks' engines and any node).
    """

    @hook_impl
    def after_context_created(self, context) -> None:
        loader = getattr(context, "config_loader", None)
        runtime = getattr(loader, "runtime_params", None) or getattr(context, "_runtime_params", None) or {}
        if not runtime:
            return
        from kedro.framework.project import pipelines

        try:
            check_runtime_params(runtime, parameter_paths_read(pipelines.values()))
        except ConfigurationError:
            # `kedro run --pipelines x` loads only x: a parameter of another pipeline is no typo
            requested = getattr(pipelines, "_requested_pipelines", None)
            if requested is None:
                raise
            pipelines.set_requested(None)
            try:
                check_runtime_params(runtime, parameter_paths_read(pipelines.values()))
            finally:
                pipelines.set_requested(requested)
