"""The real CLI with a tracking store that cannot be reached: one warning, the run succeeds."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_kedro_run_with_a_bogus_tracking_uri_warns_once_and_succeeds(tmp_path):
    for item in ("pyproject.toml", "conf", "src", ".telemetry"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / item)
    shutil.rmtree(tmp_path / "conf" / "local", ignore_errors=True)
    (tmp_path / "conf" / "local").mkdir()
    for layer in ("01_raw", "02_intermediate", "03_primary", "08_reporting"):
        (tmp_path / "data" / layer).mkdir(parents=True)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "conf" / "quick" / "mlflow.yml").write_text(
        f"server:\n  mlflow_tracking_uri: http://127.0.0.1:{port}\n")
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "MPLBACKEND": "Agg", "COLUMNS": "400"}
    result = subprocess.run([str(Path(sys.executable).with_name("kedro")), "run", "--env", "quick", "--pipeline",
                             "data_isolation"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
                            check=False)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert log.count("MLflow tracking is off") == 1, log[-3000:]
    assert f"127.0.0.1:{port}" in log
    warnings = [line for line in log.splitlines() if " WARNING " in line and "mlflow" in line.lower()]
    assert len(warnings) == 1, warnings
    assert "this run was not tracked" in result.stdout  # the summary says so too
    assert "Pipeline execution completed successfully" in log
    assert not (tmp_path / "mlruns.db").exists()
