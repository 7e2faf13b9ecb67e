"""A short summary printed at the end of every ``kedro run``: the verdict, where the outputs are,
how to open the dashboard and MLflow.

The verdict lines come from the ``scorecard`` table saved in this run
(:func:`synthetic_intelligence.reporting.scorecard.verdict_sentences`, as plain text); a run that did not
make a scorecard (e.g. ``--pipeline data_isolation``) says which run does.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from kedro.framework.hooks import hook_impl

logger = logging.getLogger(__name__)

__all__ = ["RunSummaryHook", "summary_lines"]

#: Datasets whose files the summary points at, when this run wrote them.
SHOWN = ("scorecard_md", "pr_curves", "drift_sweep_plot", "latent_tsne_panel")
WIDTH = 100


def _shown(path: Path | str | None, root: Path) -> str:
    if path is None:
        return "?"
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def summary_lines(*, scorecard: pd.DataFrame | None, written: dict[str, Path | None], project_path: Path,
                  save_version: str | None, mlflow: dict[str, Any] | None) -> list[str]:
    """The summary as lines of text (see the module docstring)."""
    lines = [" SyntheticIntelligence: run summary ".center(WIDTH, "-")]
    if scorecard is not None and not scorecard.empty:
        from synthetic_intelligence.reporting.scorecard import verdict_sentences

        verdicts = [v.removeprefix("- ").replace("**", "") for v in verdict_sentences(scorecard)]
        lines.append("Verdict (AUPRC on the holdouts; 'better'/'worse' only when the paired 95% interval of the "
                     "difference excludes 0):")
        lines += [f"  {v}" for v in verdicts] or ["  (the scorecard has no comparison)"]
    else:
        lines.append("Verdict: this run made no scorecard (`kedro run`, or `kedro run --pipeline qa` after the "
                     "lanes, makes one).")
    if written:
        version = f" (version {save_version})" if save_version else ""
        lines.append(f"Outputs: {len(written)} dataset(s) written under {_shown(project_path / 'data', Path.cwd())}/"
                     f"{version}:")
        shown = [n for n in SHOWN if n in written]
        lines += [f"  {n}: {_shown(written[n], project_path)}" for n in shown]
        if not shown:
            lines += [f"  {n}: {_shown(p, project_path)}" for n, p in list(written.items())[-4:]]
    lines.append("Dashboard: make dashboard  (Streamlit on http://127.0.0.1:8501; any earlier run can be picked)")
    if mlflow and mlflow.get("run_id"):
        lines.append(f"MLflow:    make mlflow     (http://127.0.0.1:5000; run {mlflow['run_id']} in experiment "
                     f"{mlflow.get('experiment', '?')}, store {mlflow.get('uri', '?')})")
    elif mlflow is not None:
        lines.append("MLflow:    this run was not tracked (see the warning above, or enabled: false in mlflow.yml)")
    lines.append("-" * WIDTH)
    return lines


class RunSummaryHook:
    """Prints :func:`summary_lines` to stdout after a successful pipeline run (a failed run ends
    with the CLI's one ``ERROR`` line instead).

    ``tracking``: the :class:`~synthetic_intelligence.tracking.mlflow_hook.MlflowTrackingHook`
    whose run id the summary names (register this hook *before* it: Kedro calls hooks
    last-registered first, so the MLflow run is complete when the summary is printed).
    """

    def __init__(self, tracking=None, stream=None) -> None:
        self._tracking = tracking
        self._stream = stream
        self._reset()

    def _reset(self) -> None:
        self._scorecard: pd.DataFrame | None = None
        self._names: list[str] = []
        self._catalog = None
        self._project_path = Path.cwd()
        self._save_version: str | None = None

    @hook_impl
    def after_context_created(self, context) -> None:
        self._reset()
        self._project_path = Path(context.project_path)

    @hook_impl
    def after_catalog_created(self, catalog, conf_catalog, conf_creds, parameters, save_version,  # noqa: ARG002, PLR0913
                              load_versions) -> None:  # noqa: ARG002
        self._save_version = save_version

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        self._scorecard, self._names, self._catalog = None, [], catalog

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any, node) -> None:  # noqa: ARG002
        self._names.append(dataset_name)
        if dataset_name == "scorecard" and isinstance(data, pd.DataFrame):
            self._scorecard = data

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog) -> None:  # noqa: ARG002
        self._print()

    def _print(self) -> None:
        try:
            from synthetic_intelligence.tracking.mlflow_hook import _saved_path

            written = {n: _saved_path(self._catalog.get(n)) for n in dict.fromkeys(self._names)
                       if self._catalog is not None}
            tracking = self._tracking
            mlflow = None
            if tracking is not None and tracking.settings.enabled:
                mlflow = {"run_id": tracking.run_id, "uri": tracking.tracking_uri,
                          "experiment": tracking.experiment_name}
            lines = summary_lines(scorecard=self._scorecard, written=written, project_path=self._project_path,
                                  save_version=self._save_version, mlflow=mlflow)
        except Exception as exc:  # noqa: BLE001 - a summary never fails a run
            logger.warning("could not write the run summary: %s", exc)
            return
        stream = self._stream or sys.stdout
        stream.write("\n".join(lines) + "\n")
        stream.flush()
