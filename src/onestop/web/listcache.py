"""Serialized workbench pages, reused while nothing they show can have changed.

Staff reload 我的待办 all day; most reloads find it as it was. A page is kept with the data version it was
built from (the last case event's id: every change to any case appends an event) and the first instant one
of its clock colours could turn (a warning or a due instant of a row on it). It is served again only while
the version is the same and that instant has not come, so a cached page is never staler than a fresh query
would be. Each process keeps its own (bounded) cache; the version check makes them agree across processes.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Rows not on the page can change colour too (a colour filter, the counts): bound every entry's life.
MAX_AGE = timedelta(seconds=30)
COLOUR_FILTER_MAX_AGE = timedelta(seconds=5)  # also for entries holding colour counts over all rows


@dataclass(frozen=True)
class Entry:
    version: int
    fresh_until: datetime
    body: bytes  # the serialized page (API); empty for a value entry
    etag: str
    value: object = None  # what a page renders from (the HTML workbench: rows and colour counts)


class ListCache:
    def __init__(self, maxsize: int = 512) -> None:
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._building: dict[Hashable, asyncio.Future[Entry]] = {}

    def get(self, key: Hashable, version: int, now: datetime) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version or now >= entry.fresh_until:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: Hashable, version: int, fresh_until: datetime, body: bytes, value: object = None) -> Entry:
        entry = Entry(version, fresh_until, body, f'W/"{version}-{hashlib.sha1(body).hexdigest()[:16]}"', value)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return entry

    async def single_flight(self, key: Hashable, build: Callable[[], Awaitable[Entry]]) -> Entry:
        """Runs ``build`` once for concurrent callers with the same key (on one event loop); all get its entry."""
        running = self._building.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[Entry] = asyncio.get_running_loop().create_future()
        self._building[key] = future
        try:
            entry = await build()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a failure with no waiters is not "never retrieved"
            raise
        else:
            future.set_result(entry)
            return entry
        finally:
            del self._building[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
