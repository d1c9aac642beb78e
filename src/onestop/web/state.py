"""What every request handler needs, built once per application: the runtime, the unit tree, templates."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from onestop.actions.runtime import Runtime
from onestop.db import org_repo
from onestop.db.engine import read
from onestop.org.units import UnitTree
from onestop.web.listcache import ListCache

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@dataclass
class UnitTreeCache:
    """The unit tree, re-read at most every ``ttl_s`` seconds (units change rarely; every request asks)."""

    rt: Runtime
    ttl_s: float = 5.0
    _tree: UnitTree | None = None
    _loaded_at: float = 0.0
    generation: int = 0  # grows with every reload: part of cache keys that depend on the tree
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> UnitTree:
        tree = self._tree
        if tree is not None and time.monotonic() - self._loaded_at < self.ttl_s:
            return tree
        with self._lock:
            if self._tree is None or time.monotonic() - self._loaded_at >= self.ttl_s:
                with read(self.rt.engine) as conn:
                    self._tree = org_repo.load_unit_tree(conn)
                self._loaded_at = time.monotonic()
                self.generation += 1
            return self._tree

    def invalidate(self) -> None:
        self._tree = None


@dataclass
class WebState:
    rt: Runtime
    units: UnitTreeCache
    lists: ListCache = field(default_factory=ListCache)
    # Behind an https reverse proxy (uvicorn --proxy-headers) cookies are marked Secure automatically; this
    # forces it for deployments that terminate TLS in a way uvicorn cannot see.
    force_secure_cookies: bool = False


async def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
