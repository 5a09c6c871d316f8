"""The sources a kaart can be built from (``kaart build --bron``), each registered by its own module.

A source module in ``layers`` calls :func:`registreer` when it is imported, with its name, one line of
help and the function that reads it; :func:`bronnen` first imports every module of the package, so a
new source is one new module here (and its tests) and the command offers it with no other edit. The
command asks for the sources only when it builds, so its other subcommands import no source module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

import layers
from kaart.bouwen import Bron, Jaargang


@dataclass(frozen=True)
class Vraag:
    """What the build was asked for, as the sources read it: the gemeenten as typed (codes or names; empty
    for all), the year if given (the newest, with ``vanaf`` the first of a range: ``--jaar 2017-2022``), the
    files (``pad[:laag][@jaar]``), and CBS's table and OData version."""

    gemeenten: list[str]
    jaar: int | None = None
    bestanden: tuple[str, ...] = ()
    tabel: str | None = None
    odata: str = "auto"
    vanaf: int | None = None


@dataclass(frozen=True)
class Invoer:
    """What a source hands the build: its loaded sources, the gemeenten it knows (``code``, ``naam``), the
    region's gemeente codes, the year of the figures, and the Netherlands' row when the source has one
    (else the build computes it from rows that cover the whole country); for a range of years, the older
    years' sources by year (``kaart.jaargangen``)."""

    bronnen: list[Bron]
    bekend: pd.DataFrame
    codes: list[str]
    jaar: int
    nederland: pd.Series | None = None
    eerdere: dict[int, Jaargang] = field(default_factory=dict)


Stap = Callable[[str], None]
"""Says that the next step of the build starts (the command numbers the steps)."""
LetOp = Callable[[str], None]
"""Says, in Dutch, something the user should know that does not stop the build."""


@dataclass(frozen=True)
class Bouwbron:
    """One source a kaart can be built from.

    ``lees`` checks the request (an :class:`kaart.errors.InputError` for what does not fit this source,
    before anything is read), reads and returns the :class:`Invoer`; it reports ``stappen`` steps: a number,
    or for a source whose steps depend on the request (a range of years) a function of the :class:`Vraag`
    (:meth:`aantal_stappen`), which must not fail on a request ``lees`` will refuse.
    ``gekozen_door`` names a :class:`Vraag` field that, when given, makes this the source without
    ``--bron``; the ``standaard`` source is taken when no other is chosen.
    """

    naam: str
    uitleg: str
    stappen: int | Callable[[Vraag], int]
    lees: Callable[[Vraag, Stap, LetOp], Invoer]
    gekozen_door: str | None = None
    standaard: bool = False

    def aantal_stappen(self, vraag: Vraag) -> int:
        """The steps ``lees`` reports for ``vraag``, so the command can number them."""
        return self.stappen(vraag) if callable(self.stappen) else self.stappen


_BRONNEN: dict[str, Bouwbron] = {}


def registreer(bron: Bouwbron) -> Bouwbron:
    """Offer ``bron`` to ``kaart build --bron``; called by the source's module when it is imported."""
    if _BRONNEN.get(bron.naam, bron) != bron:
        raise ValueError(f"two build sources are called {bron.naam!r}")
    _BRONNEN[bron.naam] = bron
    return bron


def bronnen() -> dict[str, Bouwbron]:
    """Every registered source by name, after importing every module of ``layers`` (its folders on
    ``layers.__path__``), so each source module has had the chance to register."""
    for module in pkgutil.iter_modules(layers.__path__):
        importlib.import_module(f"layers.{module.name}")
    return dict(_BRONNEN)


def kies(naam: str | None, vraag: Vraag) -> Bouwbron:
    """The source asked for by ``naam``, or without one the source the request chooses (``gekozen_door``),
    else the standard one."""
    alle = bronnen()
    if naam:
        return alle[naam]
    return next((b for b in alle.values() if b.gekozen_door and getattr(vraag, b.gekozen_door)),
                next(b for b in alle.values() if b.standaard))
