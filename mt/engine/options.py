"""The `--engine` options shared by `dari translate` and `dari corpus build`.

Defined once so both commands offer the same choices with the same defaults; importing this
module never imports Ray (`dari --help` stays fast and works without the extra).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import click

ENGINES = ("local", "ray")
DEFAULT_CHUNK = 32  # articles per unit of work: enough sentences for full batches, small enough to resume finely
DEFAULT_CPUS_PER_WORKER = 1.0
DEFAULT_GPUS_PER_WORKER = 0.0
ADDRESS_ENV = "RAY_ADDRESS"


@dataclass(frozen=True)
class EngineSettings:
    """How and where to run; `workers=None` means as many as the cluster has room for."""

    name: str = "local"
    address: str | None = None  # None: $RAY_ADDRESS, else a private local cluster
    workers: int | None = None
    cpus_per_worker: float = DEFAULT_CPUS_PER_WORKER
    gpus_per_worker: float = DEFAULT_GPUS_PER_WORKER
    chunk: int = DEFAULT_CHUNK

    @property
    def ray_address(self) -> str | None:
        return self.address or os.environ.get(ADDRESS_ENV) or None


_OPTIONS = [
    click.option("--engine", "engine_name", type=click.Choice(ENGINES), default="local", show_default=True,
                 help="local: this process; ray: a Ray cluster (needs `pip install \"dari[ray]\"`), same output."),
    click.option("--ray-address", metavar="ADDR", default=None, show_default=f"${ADDRESS_ENV}, else a private local cluster",
                 help="Ray cluster to run on with --engine ray: auto (the one `ray start` made here) or HEAD_IP:6379."),
    click.option("--workers", type=click.IntRange(min=1), default=None, show_default="as many as fit the cluster",
                 help="Ray workers; each loads the model once."),
    click.option("--cpus-per-worker", type=click.FloatRange(min=0.1), default=DEFAULT_CPUS_PER_WORKER, show_default=True,
                 help="CPUs each Ray worker claims, and its CTranslate2 threads (at least 1)."),
    click.option("--gpus-per-worker", type=click.FloatRange(min=0), default=DEFAULT_GPUS_PER_WORKER, show_default=True,
                 help="GPUs each Ray worker claims (0.5: two workers share one); above 0 the workers run on CUDA."),
    click.option("--chunk", type=click.IntRange(min=1), default=DEFAULT_CHUNK, show_default=True,
                 help="Articles per unit of Ray work; finished chunks are kept, so a killed run resumes."),
]


def engine_options(function):
    """Add --engine, --ray-address, --workers, --cpus-per-worker, --gpus-per-worker and --chunk to a
    click command; its function receives them as one `engine: EngineSettings` argument."""

    @functools.wraps(function)
    def wrapper(*args, engine_name, ray_address, workers, cpus_per_worker, gpus_per_worker, chunk, **kwargs):
        engine = EngineSettings(engine_name, ray_address, workers, cpus_per_worker, gpus_per_worker, chunk)
        return function(*args, engine=engine, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper
