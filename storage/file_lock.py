"""The write turn between processes sharing one SQLite file.

SQLite makes a writer that finds the file locked sleep in its busy handler, in steps that
grow to 100 ms; with two busy processes on one file that sleep becomes the latency of whole
batches of cases. Writers take this lock file first (`flock`: the kernel wakes the next
waiter the moment the holder lets go, and lets go for a process that dies), so they find the
database free when they BEGIN. Within a process, writers already queue on an asyncio lock;
one open file per process is enough.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        """Block until this process holds the lock (call from a thread, not the loop)."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
