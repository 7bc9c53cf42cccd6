"""Running units of work on Ray actors: connecting, sizing the workers, and collecting results.

Shared by `dari translate --engine ray` and `dari corpus build --engine ray`. Ray is imported only
here and only when that engine runs, so `dari --help` and the local engine never need it.

Why the sizing cannot deadlock: the driver reads every input and writes every output itself, so
no Ray task ever waits for a CPU; the only things scheduled are the workers (actors), whose claims
are checked against the cluster's nodes before any is started. A claim that no node can meet is
an error at once instead of a silent wait, and the default worker count leaves RESERVED_CPUS of
the cluster unclaimed for Ray's own tasks and the driver.
"""

from __future__ import annotations

import contextlib
import logging
import math
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from mt.engine.options import EngineSettings
from mt.io.errors import DariError

RAY_EXTRA_HINT = '--engine ray needs Ray, an optional part of dari: pip install "dari[ray]" (in a checkout: pip install -e ".[ray]")'
RESERVED_CPUS = 0.5  # of the cluster, left unclaimed by the default worker count
IN_FLIGHT_PER_WORKER = 2  # units queued on each worker: it never idles between two of them
WORKER_RESTARTS = 3  # a worker process that dies is restarted, and its units retried, this often
STALL_NOTICE_S = 60.0  # with no unit finished for this long, say what the workers wait for
WAIT_TICK_S = 1.0
CONNECT_TIMEOUT_S = 10.0
CLOSE_WAIT_S = 10.0  # for the units of killed workers to report their end
TOKEN_HINT = ("a cluster with token authentication needs RAY_AUTH_MODE=token here and its token in "
              "~/.ray/auth_token or RAY_AUTH_TOKEN")
REPORT_EVERY_S = 2.0


def import_ray():
    try:
        import ray
    except ImportError:
        raise DariError(RAY_EXTRA_HINT) from None
    return ray


def one_line(text: str) -> str:
    return " ".join(str(text).split())


@contextlib.contextmanager
def ray_session(engine: EngineSettings) -> Iterator[object]:
    """The Ray module, connected: to a session this process already has (left open), to
    `--ray-address`/$RAY_ADDRESS, or to a private local cluster started here and stopped after."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    address = engine.ray_address
    quiet = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
    try:
        if address:
            _check_reachable(address)
            ray.init(address=address, **quiet)
        else:
            from mt.backends.ct2 import available_cores

            ray.init(address="local", num_cpus=available_cores(), **quiet)
    except DariError:
        raise
    except Exception as err:  # connection and start-up failures come in many types
        if not address:
            raise DariError(f"cannot start a local Ray cluster: {one_line(err)}") from None
        raise DariError(f"cannot connect to the Ray cluster at {address}: {one_line(err)} ({TOKEN_HINT})") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fail in seconds where nothing listens at HOST:PORT; Ray itself retries for many minutes."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return  # `auto` and client addresses: Ray answers those quickly
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as err:
        raise DariError(f"cannot reach the Ray cluster at {address} ({err.strerror or err}): is `ray start --head` "
                        "running there, and is the port open?") from None


@dataclass(frozen=True)
class Sizing:
    workers: int
    cpus: float  # claimed by each worker
    gpus: float
    threads: int  # CTranslate2 / BLAS threads of each worker

    def describe(self) -> str:
        gpus = f" + {self.gpus:g} GPU" if self.gpus else ""
        return f"{self.workers} worker(s) × {self.cpus:g} CPU{gpus}"


def plan_workers(engine: EngineSettings, nodes: list[dict]) -> Sizing:
    """How many workers to start on nodes given as their total resources ({"CPU": 8, "GPU": 1}).

    Workers are placed whole on a node, so what fits is counted node by node. By default as many
    as fit, minus one if that would claim all but less than RESERVED_CPUS of the cluster; an
    explicit --workers that cannot all be placed at once is an error, not a wait.
    """
    cpus, gpus = engine.cpus_per_worker, engine.gpus_per_worker
    fit = 0
    for node in nodes:
        per_node = math.floor(node.get("CPU", 0.0) / cpus + 1e-9)
        if gpus:
            per_node = min(per_node, math.floor(node.get("GPU", 0.0) / gpus + 1e-9))
        fit += per_node
    total_cpus = sum(node.get("CPU", 0.0) for node in nodes)
    total_gpus = sum(node.get("GPU", 0.0) for node in nodes)
    if engine.workers is None:
        workers = fit - 1 if fit > 1 and fit * cpus > total_cpus - RESERVED_CPUS else fit
    else:
        workers = engine.workers
    if workers < 1 or workers > fit:
        gpu_text = f" and {gpus:g} GPU" if gpus else ""
        raise DariError(
            f"the Ray cluster ({len(nodes)} node(s), {total_cpus:g} CPUs, {total_gpus:g} GPUs) has room for {fit} "
            f"worker(s) of {cpus:g} CPU{gpu_text}, not {max(workers, 1)}: lower --workers, --cpus-per-worker or --gpus-per-worker"
        )
    return Sizing(workers, cpus, gpus, max(1, math.floor(cpus + 1e-9)))


def cluster_nodes(ray) -> list[dict]:
    return [node["Resources"] for node in ray.nodes() if node.get("Alive")]


class WorkerFailed(Exception):
    """A unit of work failed on a worker; `reason` is one line."""

    def __init__(self, tag, reason: str):
        super().__init__(reason)
        self.tag = tag
        self.reason = reason


class WorkerPool:
    """Ray actors of one class, each built once (loading its model) and fed units of work.

    Units are queued IN_FLIGHT_PER_WORKER deep on the least busy worker; results come back in the
    order they finish. A worker process that dies is restarted by Ray and its units retried
    (WORKER_RESTARTS times); a Python exception in a unit is not retried: it is raised here as
    WorkerFailed with the unit's tag.
    """

    def __init__(self, ray, actor_class: type, args: tuple, sizing: Sizing, label: str,
                 report: Callable[[str], None] | None = None):
        self.ray = ray
        self.sizing = sizing
        self.report = report
        remote_class = ray.remote(actor_class)
        run = uuid.uuid4().hex[:8]
        self.actors = [
            remote_class.options(name=f"dari-{label}-{run}-{i}", num_cpus=sizing.cpus, num_gpus=sizing.gpus,
                                 max_restarts=WORKER_RESTARTS, max_task_retries=WORKER_RESTARTS).remote(*args)
            for i in range(sizing.workers)
        ]
        self.started = [actor.ready.remote() for actor in self.actors]
        self.load = [0] * len(self.actors)
        self.pending: dict = {}  # ObjectRef -> (worker index, tag)
        self.last_done = time.monotonic()

    def full(self) -> bool:
        return min(self.load) >= IN_FLIGHT_PER_WORKER

    def busy(self) -> bool:
        return bool(self.pending)

    def submit(self, tag, method: str, *args) -> None:
        index = min(range(len(self.actors)), key=lambda i: self.load[i])
        ref = getattr(self.actors[index], method).remote(*args)
        self.pending[ref] = (index, tag)
        self.load[index] += 1

    def next_result(self):
        """(tag, result) of the next unit to finish."""
        while True:
            done, _ = self.ray.wait(list(self.pending), num_returns=1, timeout=WAIT_TICK_S)
            if done:
                break
            if time.monotonic() - self.last_done > STALL_NOTICE_S:
                self._stall_notice()
                self.last_done = time.monotonic()
        ref = done[0]
        index, tag = self.pending.pop(ref)
        self.load[index] -= 1
        self.last_done = time.monotonic()
        try:
            return tag, self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as err:
            cause = err.cause
            reason = cause.message if isinstance(cause, DariError) else f"{type(cause).__name__}: {cause}"
            raise WorkerFailed(tag, f"worker failed: {one_line(reason)}") from None
        except self.ray.exceptions.RayActorError as err:
            raise WorkerFailed(tag, f"worker died {WORKER_RESTARTS + 1} times ({one_line(err)[:300]})") from None

    def _stall_notice(self) -> None:
        ready, _ = self.ray.wait(self.started, num_returns=len(self.started), timeout=0)
        if self.report:
            free = self.ray.available_resources()
            self.report(f"dari: ray: still waiting; {len(ready)} of {len(self.actors)} workers started "
                        f"({self.sizing.describe()} each; free now: {free.get('CPU', 0):g} CPUs, {free.get('GPU', 0):g} GPUs)")

    def close(self) -> None:
        """Stop the workers; units still out (after a failure) are collected and dropped, since Ray
        logs the error of every failed unit nobody collected."""
        for actor in self.actors:
            with contextlib.suppress(Exception):
                self.ray.kill(actor, no_restart=True)
        if self.pending:
            ready, _ = self.ray.wait(list(self.pending), num_returns=len(self.pending), timeout=CLOSE_WAIT_S)
            for ref in ready:
                with contextlib.suppress(Exception):
                    self.ray.get(ref)
            self.pending.clear()


@dataclass
class Progress:
    """Where a run stands; handed to the progress callback after each finished unit."""

    done: int  # units finished, reused ones included
    total: int | None  # None while the input is still being read
    reused: int
    sentences: int  # translated or aligned on the workers in this run
    seconds: float  # since the workers started working (the first unit's start)

    @property
    def rate(self) -> float:
        return self.sentences / self.seconds if self.seconds > 0 else 0.0


def progress_printer(report: Callable[[str], None], unit: str = "chunks") -> Callable[[Progress], None]:
    """Print a progress line on stderr at most every REPORT_EVERY_S seconds, and the last one."""
    last = [0.0]

    def show(progress: Progress) -> None:
        now = time.monotonic()
        if progress.done != progress.total and now - last[0] < REPORT_EVERY_S:
            return
        last[0] = now
        reused = f" ({progress.reused} reused)" if progress.reused else ""
        total = f"/{progress.total}" if progress.total is not None else ""
        report(f"dari: ray: {progress.done}{total} {unit}{reused}, {progress.sentences:,} sentences, "
               f"{progress.rate:,.1f} sentences/s")

    return show
