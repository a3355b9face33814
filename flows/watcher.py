"""Watch ``$SAIHAN_HOME/inbox/`` and report each file once it is complete.

File-system events (watchdog: inotify on Linux, FSEvents on macOS) tell which files changed;
:class:`warehouse.arrivals.StableFiles` decides when each is complete. ``on_ready`` is called
from the watcher's own thread with each complete file; ``saihan serve`` passes a function that
emits the Prefect event the on-arrival deployment is triggered by. Nothing here imports
Prefect, so it is tested with a plain callback.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from warehouse.arrivals import StableFiles

log = logging.getLogger(__name__)


class _Handler(FileSystemEventHandler):
    """Feeds file events under the inbox into the tracker."""

    def __init__(self, watcher: InboxWatcher):
        self.watcher = watcher

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.watcher.touch(Path(str(event.src_path)))

    def on_modified(self, event: FileSystemEvent) -> None:
        self.on_created(event)

    def on_closed(self, event: FileSystemEvent) -> None:
        self.on_created(event)

    def on_moved(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            # A folder moved in: watch every file inside it.
            for path in Path(str(event.dest_path)).rglob("*"):
                if path.is_file():
                    self.watcher.touch(path)
            return
        self.watcher.forget(Path(str(event.src_path)))
        self.watcher.touch(Path(str(event.dest_path)))

    def on_deleted(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.watcher.forget(Path(str(event.src_path)))


class InboxWatcher:
    """A background thread that calls ``on_ready(path)`` for each complete file in ``inbox``."""

    def __init__(
        self,
        inbox: Path,
        on_ready: Callable[[Path], None],
        *,
        stable_seconds: float = 2.0,
        poll_seconds: float = 0.5,
    ):
        self.inbox = inbox
        self.on_ready = on_ready
        self.poll_seconds = poll_seconds
        self._tracker = StableFiles(stable_seconds)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = Observer()
        self._thread = threading.Thread(target=self._loop, name="saihan-inbox-watcher",
                                        daemon=True)

    def touch(self, path: Path) -> None:
        """Note that a file under the inbox was created or changed."""
        if self.inbox not in path.parents:
            return
        with self._lock:
            self._tracker.touch(path)

    def forget(self, path: Path) -> None:
        """Stop watching a file that was deleted or moved away."""
        with self._lock:
            self._tracker.forget(path)

    def start(self, existing: Iterable[Path] = ()) -> None:
        """Start watching; ``existing`` files already in the inbox are checked like new ones."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        self._observer.schedule(_Handler(self), str(self.inbox), recursive=True)
        self._observer.start()
        for path in existing:
            self.touch(path)
        self._thread.start()

    def stop(self) -> None:
        """Stop the file-system observer and the polling thread."""
        self._stop.set()
        self._observer.stop()
        self._observer.join(timeout=5)
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            with self._lock:
                ready = self._tracker.poll()
            for path in ready:
                try:
                    self.on_ready(path)
                except Exception:  # keep watching: one failed report must not stop the others
                    log.exception("could not report %s as ready", path)
