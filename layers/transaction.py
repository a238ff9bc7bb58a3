"""All-or-nothing writes to a bundle folder: a lock, a staging folder, a journal, manifest last.

Every writer (``bundle build``, :func:`layers.build.refresh_layer`) works
inside :func:`bundle_transaction`:

1. it takes the bundle's lock (``.bundle.lock``, an OS file lock that dies
   with its process, so a killed writer never leaves it held);
2. it finishes or discards whatever a killed writer left (:func:`recover`);
3. it writes every new file, the manifest included, into a private staging
   folder inside the bundle, each file flushed with ``fsync``;
4. on commit it writes a journal naming the staged files, moves them into
   place with ``os.replace`` (the manifest last), then deletes the journal.

So a writer killed while staging leaves the previous bundle untouched (the
staging folder is removed by the next run), and one killed while moving files
leaves a journal, from which the next reader or writer completes the move
(every staged file was complete before the journal was written). Readers
verify and read under the same lock, so they never see a manifest that
disagrees with its files. Files get the permissions the umask allows
(0666 & ~umask), never ``mkstemp``'s 0600.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

#: The lock file inside a bundle folder.
LOCK_FILE = ".bundle.lock"
#: The journal written between staging and moving files into place.
JOURNAL = ".commit.json"
_STAGING_PREFIX = ".staging-"

_LOCKS: dict[str, FileLock] = {}
_LOCKS_GUARD = threading.Lock()


def file_mode() -> int:
    """The mode a new file gets under the current umask (``0o666 & ~umask``)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def dir_mode() -> int:
    """The mode a new folder gets under the current umask (``0o777 & ~umask``)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask


def fsync_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and flush it to disk, with :func:`file_mode` permissions."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(path, file_mode())


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock_for(folder: Path) -> FileLock:
    key = str(folder.resolve())
    with _LOCKS_GUARD:
        if key not in _LOCKS:
            _LOCKS[key] = FileLock(str(Path(key) / LOCK_FILE), mode=file_mode())
        return _LOCKS[key]


@contextmanager
def locked(folder: Path, timeout_s: float = 300.0) -> Iterator[None]:
    """Hold the bundle folder's lock (re-entrant within a thread).

    A folder this process cannot write is read-only to every writer we know
    of, so it is read without a lock.
    """
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        yield
        return
    with _lock_for(folder).acquire(timeout=timeout_s):
        yield


def recover(folder: Path) -> bool:
    """Complete or discard a killed writer's work in ``folder``; call under :func:`locked`.

    Returns
    -------
    bool
        True if anything was repaired or cleaned up.
    """
    if not folder.is_dir():
        return False
    changed = False
    journal = folder / JOURNAL
    if journal.exists():
        try:
            plan = json.loads(journal.read_text())
            staging = folder / str(plan["staging"])
            for name in plan["files"]:
                src = staging / name
                if src.exists():
                    os.replace(src, folder / name)
            _fsync_dir(folder)
        except (ValueError, KeyError, OSError):
            pass  # a journal is written atomically; an unreadable one holds no plan
        journal.unlink(missing_ok=True)
        changed = True
    for leftover in folder.iterdir():
        name = leftover.name
        if leftover.is_dir() and name.startswith(_STAGING_PREFIX):
            shutil.rmtree(leftover, ignore_errors=True)
            changed = True
        elif leftover.is_file() and name.startswith(".") and name.endswith(".tmp"):
            leftover.unlink(missing_ok=True)
            changed = True
    return changed


class Staging:
    """Files written for one transaction, moved into the bundle on :meth:`commit`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        #: Write new files here under their final names.
        self.dir = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=folder))

    def commit(self, last: str) -> None:
        """Move every staged file into place, ``last`` (the manifest) after all others."""
        if not (self.dir / last).exists():
            raise FileNotFoundError(f"{last} was never written to the staging folder")
        staged_names = sorted(
            f.name for f in self.dir.iterdir() if f.is_file() and not f.name.startswith(".")
        )
        names = [n for n in staged_names if n != last] + [last]
        for name in names:
            staged = self.dir / name
            os.chmod(staged, file_mode())
            _fsync_file(staged)
        _fsync_dir(self.dir)
        journal = self.folder / JOURNAL
        tmp = self.folder / f".{JOURNAL}.tmp"
        fsync_write(tmp, json.dumps({"staging": self.dir.name, "files": names}).encode())
        os.replace(tmp, journal)
        _fsync_dir(self.folder)
        for name in names:
            os.replace(self.dir / name, self.folder / name)
        _fsync_dir(self.folder)
        journal.unlink()
        shutil.rmtree(self.dir, ignore_errors=True)

    def discard(self) -> None:
        """Drop every staged file: the bundle stays as it was."""
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def bundle_transaction(folder: Path, last: str = "manifest.json") -> Iterator[Staging]:
    """Stage files for ``folder`` and commit them all, ``last`` last, or none of them.

    The folder is created if needed; the lock is held throughout.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with locked(folder):
        recover(folder)
        staging = Staging(folder)
        try:
            yield staging
        except BaseException:
            staging.discard()
            raise
        staging.commit(last)
