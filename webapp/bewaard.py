"""The web app's one cache: computed results kept per app, least recently used dropped beyond a size.

Every cache of the app is one of these, held by its state (``webapp.staat``): maps, simplified geometry, API
responses, rankings, distributions, locatiezoeker results. A new kaart file means a new app and so new,
empty caches: nothing kept outlives the kaart it was computed from. A room clicking back and forth between
settings gets each one computed once.

A value being computed is computed once: a second request for it waits for that one (a lock per key),
while requests for values already kept, or for other keys, do not wait at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class Bewaard:
    """At most ``grootte`` values by key (``None``: all of them, for a bounded set of keys such as a kaart's
    levels); ``bewaard(key, maak)`` returns the kept value or keeps ``maak()``."""

    def __init__(self, grootte: int | None):
        self.grootte = grootte
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
        return waarde
