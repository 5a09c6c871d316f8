"""The web app's one cache: computed results kept per app, least recently used dropped beyond a size.

Every cache of the app is one of these, held by its state (``webapp.staat``): maps, simplified geometry, API
responses, rankings, distributions, locatiezoeker results. A new kaart file means a new app and so new,
empty caches: nothing kept outlives the kaart it was computed from. A room clicking back and forth between
settings gets each one computed once.

A value being computed is computed once: a second request for it waits for that one (a lock per key),
while requests for values already kept, or for other keys, do not wait at all.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc: its allocator manages on its own
        return None


_MALLOC_TRIM = _malloc_trim()


def geheugen_terug() -> None:
    """Give the memory freed since to the system. GEOS, PROJ and pandas free their working memory (several
    times a result, for a national level) into glibc's heap, which keeps it: after a pan-and-zoom session on
    the national kaart the server held 1.5 GB of which 0.9 GB was free heap (benchmarks/zoomen.py). The call
    runs without the GIL; where the C library has no ``malloc_trim`` it does nothing."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


class Bewaard:
    """At most ``grootte`` values by key (``None``: all of them, for a bounded set of keys such as a kaart's
    levels); ``bewaard(key, maak)`` returns the kept value or keeps ``maak()``. With ``teruggeven`` the memory
    a computation freed goes back to the system after it (:func:`geheugen_terug`): for large computations,
    where that is worth the few milliseconds."""

    def __init__(self, grootte: int | None, teruggeven: bool = False):
        self.grootte = grootte
        self.teruggeven = teruggeven
        self._waarden: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._sloten: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        """How many values are kept (a bounded cache stays bounded: tests and benchmarks check it)."""
        with self._lock:
            return len(self._waarden)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._waarden

    def __getitem__(self, key: Hashable) -> Any:
        with self._lock:
            return self._waarden[key]

    def zet(self, key: Hashable, waarde: Any) -> None:
        """Keep ``waarde`` under ``key`` (the oldest dropped beyond ``grootte``)."""
        with self._lock:
            self._waarden[key] = waarde
            self._waarden.move_to_end(key)
            while self.grootte is not None and len(self._waarden) > self.grootte:
                self._waarden.popitem(last=False)

    def __call__(self, key: Hashable, maak: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._waarden:
                self._waarden.move_to_end(key)
                return self._waarden[key]
            slot = self._sloten.setdefault(key, threading.Lock())
        with slot:
            with self._lock:
                if key in self._waarden:
                    return self._waarden[key]
            try:
                waarde = maak()
                self.zet(key, waarde)
            finally:  # a failed computation (a refused request) keeps nothing, not even its lock
                with self._lock:
                    self._sloten.pop(key, None)
                if self.teruggeven:
                    geheugen_terug()
        return waarde
