"""A Spark session from plain settings (``conf/<env>/spark.yml``), stopped however the run ends.

The settings are Spark properties, as in Kedro's PySpark starters (``spark.master``,
``spark.app.name``, ``spark.ui.enabled``, ...)::

    spark.master: local[*]          # or spark://host:7077, yarn, k8s://..., local[2]
    spark.app.name: synthetic_intelligence
    spark.ui.enabled: false

:func:`get_or_create` builds the session with ``SparkSession.builder.config(...)``
``.getOrCreate()`` (so kedro-datasets' Spark datasets, which call ``getOrCreate()``,
see the same session). Executors run this project's interpreter: ``PYSPARK_PYTHON``
and ``PYSPARK_DRIVER_PYTHON`` default to ``sys.executable``. A session this
process started on a local master (``local``, ``local[N]``, ``local[N,F]``) is
registered with :mod:`synthetic_intelligence.core.engines.lifecycle` as ``spark:<app id>``,
so it stops at the end of the run, on error, SIGINT, SIGTERM and interpreter exit;
:func:`stop` stops it now. A session on a cluster master is stopped the same way
(the cluster itself stays up: only this application ends).

``spark.executor.pyspark.memory`` is deliberately never set here: a Python worker
that hosts a JVM (the in-process MOJO scorer) is killed outright below about 3 GB.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from synthetic_intelligence.core.engines import lifecycle

__all__ = ["DEFAULTS", "LOCAL_SAFE", "get_or_create", "session_settings", "stop"]

logger = logging.getLogger(__name__)

#: Used where ``spark.yml`` says nothing.
DEFAULTS: dict[str, str] = {
    "spark.master": "local[*]",
    "spark.app.name": "synthetic_intelligence",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
#: Added for local masters only: the driver listens on the loopback interface.
LOCAL_SAFE: dict[str, str] = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}


def _is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


def session_settings(settings: Mapping | None = None) -> dict[str, str]:
    """``DEFAULTS``, then ``settings`` (a flat mapping of Spark properties; values become strings)."""
    merged = dict(DEFAULTS)
    for key, value in (settings or {}).items():
        if value is None:
            continue
        if not str(key).startswith("spark."):
            raise ValueError(f"spark.yml: {key!r} is not a Spark property (they start with 'spark.')")
        merged[str(key)] = str(value).lower() if isinstance(value, bool) else str(value)
    if _is_local(merged["spark.master"]):
        merged = {**LOCAL_SAFE, **merged}
    if "spark.executor.pyspark.memory" in merged:
        logger.warning("spark.executor.pyspark.memory=%s: a Python worker that scores a MOJO hosts a JVM and is "
                       "killed outright below about 3g; leave it unset unless it is large",
                       merged["spark.executor.pyspark.memory"])
    return merged


def get_or_create(settings: Mapping | None = None):
    """The active Spark session, or a new one built from :func:`session_settings` (registered to stop)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    conf = session_settings(settings)
    if _is_local(conf["spark.master"]):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # every local endpoint on the loopback interface
    lifecycle.reap_orphans()  # a driver JVM left by a run that was killed outright ends here
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    with lifecycle.starting():
        spark = builder.getOrCreate()
        key = f"spark:{spark.sparkContext.applicationId}"
        lifecycle.register(key, spark.stop)
        gateway = getattr(getattr(spark.sparkContext, "_gateway", None), "proc", None)
        if gateway is not None:  # the driver JVM this process launched: reaped at the next start if it outlives us
            lifecycle.record(key, gateway.pid)
    logger.info("Started Spark %s (master %s, app %s, default parallelism %d)", spark.version,
                conf["spark.master"], spark.sparkContext.applicationId, spark.sparkContext.defaultParallelism)
    return spark


def stop() -> None:
    """Stop the Spark sessions this process registered (no-op when there is none)."""
    for key in lifecycle.registered():
        if key.startswith("spark:"):
            logger.info("Stopping Spark session %s", key.split(":", 1)[1])
            lifecycle.close(key)
            lifecycle.forget(key)
