"""Real faults for tests: a read-only directory that binds root too, a disk that is full, a file size
limit, and `dari` run as a user runs it (a subprocess with its own stdout).

Tests run as root in containers, where permission bits bind nobody: `without_dac_override` drops
the capabilities that let root ignore them (from the bounding set, in the child only), so a
read-only directory is read-only for the `dari` it starts.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def without_dac_override() -> None:
    """preexec_fn: the child, even as root, obeys file permission bits."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop CAP_DAC_OVERRIDE")


def file_size_limit(limit: int):
    """preexec_fn: writes past `limit` bytes fail with EFBIG, as a full disk fails them with ENOSPC."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def run_dari(args, *, stdout=subprocess.PIPE, preexec=None, env=None, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    """`python -m mt ARGS` from this checkout; stderr is captured as text, stdout as given."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", **(env or {})}
    env.pop("PYTHONUNBUFFERED", None)  # stdout buffered, as it is for users
    return subprocess.run([sys.executable, "-m", "mt", *map(str, args)], stdout=stdout, stderr=subprocess.PIPE,
                          stdin=stdin, text=True, env=env, cwd=REPO, preexec_fn=preexec)


def device(tmp_path: Path, name: str, minor: int) -> str:
    """A private copy of /dev/full (minor 7) or /dev/null (minor 3) where root can make one, so a
    regression that replaces the output file replaces the copy, not the machine's device."""
    if os.geteuid() == 0:
        path = tmp_path / name
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
            os.close(os.open(path, os.O_WRONLY))  # fails where the file system forbids devices
            return str(path)
        except OSError:
            pass
    return f"/dev/{name}"


def assert_one_line_error(result: subprocess.CompletedProcess | object, *needles: str) -> str:
    """Exit code 2 and exactly one `Error: ...` line on stderr, containing every needle."""
    code = getattr(result, "returncode", getattr(result, "exit_code", None))
    stderr = result.stderr
    assert code == 2, (code, stderr)
    assert stderr.startswith("Error: ") and stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    for needle in needles:
        assert needle in stderr, (needle, stderr)
    return stderr.strip()


def leftovers(root: Path) -> list[str]:
    """Temporary files anywhere under `root`."""
    return sorted(str(path) for path in root.rglob("*.tmp"))
