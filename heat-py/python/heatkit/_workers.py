"""``workers=``: how many threads a batch function uses, the same on every function.

``None`` (the default) is every core, unless ``HEATKIT_WORKERS`` gives a number (``-1`` or ``all``
for every core) or the call runs inside a process that already runs one job per core (a Spark
task, a Dask worker, a joblib or ``multiprocessing`` pool worker): then 1, so that a cluster's
cores are not asked for many times over. ``-1`` is every core; 1 to 1024 that many threads.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import Optional

WORKERS_ENV = "HEATKIT_WORKERS"


def worker_framework() -> Optional[str]:
    """The framework whose worker runs this call (``"spark"``, ``"dask"``, ``"pool"``), or None.

    >>> worker_framework() is None
    True
    """
    if "pyspark" in sys.modules:
        try:
            from pyspark import TaskContext

            if TaskContext.get() is not None:
                return "spark"
        except Exception:  # an old or partial pyspark: not a task
            pass
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker

            get_worker()
            return "dask"
        except Exception:  # ValueError outside a worker
            pass
    name = multiprocessing.current_process().name
    if name.startswith("LokyProcess") or "PoolWorker" in name:
        return "pool"
    return None


def resolve(workers: Optional[int]) -> Optional[int]:
    """The ``workers`` to pass to the compiled function: as given, else 1 inside a worker (unless
    ``HEATKIT_WORKERS`` is set, which the core reads), else None (every core).

    >>> resolve(3), resolve(None)
    (3, None)
    """
    if workers is not None:
        return workers
    if os.environ.get(WORKERS_ENV, "").strip():
        return None
    return 1 if worker_framework() is not None else None
