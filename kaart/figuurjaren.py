"""Which year each figure of a kaart is from, answered once per kaart for every page and download.

Why: CBS fills a KWB table over three years, so a kaart built over a range of years takes a figure its
newest table lacks from the newest older year that has it (``kaart.jaargangen.vul_aan``, recorded in the
table ``aangevuld``), and every page must say so beside that figure. ``kaart.reeksen.jaar_van`` answers
per column; pages ask per cell, many times a request. :class:`Figuurjaren` asks it only for the columns
that rest on a filled figure at all and keeps each answer, so a column wholly of the kaart's year costs
nothing and is said once, in the source line, never on every cell.

Composite figures (a z score, a theme score, the drukpuntscore) are as old as the oldest figure they are
computed from, as an indicator is as old as the oldest statistic it is computed from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from kaart import reeksen
from kaart.indicatoren import PREFIX, Catalogus
from kaart.kaartbestand import Kaart
from kaart.profielen import profiel
from kaart.variabelen import variabelen

SCORES = ("drukpuntscore", "kans_drukpunt")
"""The columns computed from every indicator the kaart's profile weighs."""
THEMA = "thema_"
Z = "z_"


class Figuurjaren:
    """Per niveau and kolom, the year of each area's figure; ``None`` where the whole column is of the
    kaart's year (:meth:`jaren`). Kept per kaart (``webapp.staat.Staat.figuurjaren``); cheap to make."""

    def __init__(self, kaart: Kaart, cat: Catalogus | None = None):
        """``cat``: the indicators to trace (default the kaart's own; the analysis of a kaart being built,
        which has no catalogue of its own yet, gives today's)."""
        self.kaart = kaart
        self.cat = kaart.catalogus if cat is None else cat
        self.jaar = kaart.jaar
        tabel = kaart.tabellen.get(reeksen.AANGEVULD)
        tabel = (pd.DataFrame(columns=["niveau", "code", "kolom", "jaar"]) if tabel is None
                 else tabel[["niveau", "code", "kolom", "jaar"]].astype({"jaar": "int64"}))
        # The kaart as it was in a past year (``reeksen.in_jaar``) keeps the table, but its figures are that year's.
        self.aangevuld = tabel[tabel["jaar"] < self.jaar]
        self._gevuld = {n: set(d["kolom"]) for n, d in self.aangevuld.groupby("niveau")}
        self._bewaard: dict[tuple[str, str], pd.Series | None] = {}

    def jaren(self, niveau: str, kolom: str) -> pd.Series | None:
        """Per area of ``niveau`` the year its figure of ``kolom`` is from, or None when every area's figure
        is of the kaart's year."""
        sleutel = (niveau, kolom)
        if sleutel not in self._bewaard:  # two first requests may both compute it: the same answer
            self._bewaard[sleutel] = self._bereken(niveau, kolom)
        return self._bewaard[sleutel]

    def ander_jaar(self, niveau: str, code: str, kolom: str) -> int | None:
        """The year of one area's figure when it is not the kaart's, else None."""
        jaren = self.jaren(niveau, kolom)
        jaar = None if jaren is None else jaren.get(code)
        return None if jaar is None or jaar == self.jaar else int(jaar)

    def oudste(self, niveau: str, kolommen: Iterable[str]) -> pd.Series | None:
        """Per area the oldest year over ``kolommen`` (a figure computed from them is that old), or None when
        they are all of the kaart's year."""
        delen = [j for j in (self.jaren(niveau, k) for k in kolommen) if j is not None]
        return pd.concat(delen, axis=1).min(axis=1).astype("int64") if delen else None

    def score(self, niveau: str, gewichten: Mapping[str, float]) -> pd.Series | None:
        """Per area the year of a drukpuntscore under ``gewichten`` (indicator id to weight): the oldest
        figure of an indicator it weighs."""
        return self.oudste(niveau, [PREFIX + i for i, g in gewichten.items() if g > 0])

    def regio(self, kolom: str) -> int | None:
        """The year of the region's figure when it is not the kaart's: the region is summed from its
        gemeenten, so it is as old as the oldest gemeente's figure."""
        if "gemeente" not in self.kaart.gebieden:
            return None
        jaren = self.jaren("gemeente", kolom)
        return None if jaren is None else int(jaren.min())

    def ouder(self, niveau: str, kolommen: Iterable[str]) -> pd.DataFrame:
        """The years of ``kolommen`` at ``niveau`` that are not the kaart's: a column per kolom with any (a
        nullable integer, missing where the figure is of the kaart's year), indexed by code."""
        delen = {k: j.where(j != self.jaar).astype("Int64") for k in kolommen
                 if (j := self.jaren(niveau, k)) is not None}
        return pd.DataFrame(delen, index=self.kaart.gebieden[niveau].index)

    def per_kolom(self) -> pd.DataFrame:
        """The filled figures counted per niveau, kolom and year (``kaart info``): columns niveau, kolom,
        jaar, aantal."""
        return (self.aangevuld.groupby(["niveau", "kolom", "jaar"]).size().rename("aantal").reset_index()
                if len(self.aangevuld) else pd.DataFrame(columns=["niveau", "kolom", "jaar", "aantal"]))

    def bronregel(self, niveaus: Iterable[str] | None = None, kolommen: Iterable[str] | None = None) -> str | None:
        """The sentence a page's source line adds when some of its figures (``kolommen`` at ``niveaus``) are
        from an older year (:func:`jaarzin`); None when they are all of the kaart's year."""
        kolommen = None if kolommen is None else list(kolommen)
        niveaus = list(self.kaart.gebieden) if niveaus is None else [n for n in niveaus if n in self.kaart.gebieden]
        namen = variabelen(self.cat)
        labels, jaren = [], set()
        for niveau in niveaus:
            for kolom in (kolommen if kolommen is not None else self._kandidaten(niveau)):
                ouder = self.jaren(niveau, kolom)
                if ouder is not None:
                    jaren |= set(ouder[ouder != self.jaar].astype(int))
                    labels.append(namen[kolom].label if kolom in namen else kolom)
        return jaarzin(self.jaar, jaren, labels)

    def bronvermelding(self, oudere: Iterable[int] = ()) -> str:
        """The kaart's source line, naming the older years a page's figures are partly from."""
        oudere = sorted(set(oudere) - {self.jaar}, reverse=True)
        return self.kaart.bronvermelding + (f"; deels cijfers van {' en '.join(map(str, oudere))}" if oudere else "")

    def _kandidaten(self, niveau: str) -> list[str]:
        """The columns of ``niveau`` shown on pages (statistics and indicators) that rest on a filled figure."""
        gevuld = self._gevuld.get(niveau, set())
        frame = self.kaart.gebieden[niveau]
        return [k for k in variabelen(self.cat) if k in frame and k not in SCORES
                and not k.startswith(THEMA) and gevuld & set(self._bronnen(k))]

    def _bronnen(self, kolom: str) -> list[str]:
        """The statistics a column is computed from (itself for a statistic)."""
        cat = self.cat
        if kolom.startswith(Z):
            kolom = PREFIX + kolom.removeprefix(Z)
        if kolom.startswith(PREFIX) and kolom.removeprefix(PREFIX) in cat.indicatoren:
            return cat.indicatoren[kolom.removeprefix(PREFIX)].bronnen()
        if kolom.startswith(THEMA):
            return [b for ind in cat if ind.telt_mee and ind.thema == kolom.removeprefix(THEMA) for b in ind.bronnen()]
        if kolom in SCORES:
            return [b for i in self._profielgewichten() if i in cat.indicatoren for b in cat.indicatoren[i].bronnen()]
        return [kolom]

    def _profielgewichten(self) -> list[str]:
        naam = self.kaart.metadata.get("profiel")
        return [i for i, g in profiel(naam).gewichten.items() if g > 0]

    def _bereken(self, niveau: str, kolom: str) -> pd.Series | None:
        gevuld = [b for b in dict.fromkeys(self._bronnen(kolom)) if b in self._gevuld.get(niveau, set())]
        if niveau not in self.kaart.gebieden or not gevuld:
            return None
        if gevuld != [kolom]:  # computed: as old as the oldest statistic it rests on
            return self.oudste(niveau, gevuld)
        jaren = reeksen.jaar_van(self.kaart, niveau, kolom)
        return jaren if (jaren != self.jaar).any() else None


def jaarzin(jaar: int, oudere: Iterable[int], labels: Iterable[str]) -> str | None:
    """What a page says once about its figures (``labels``) from ``oudere`` years, e.g. "Cijfers van 2023; waar
    2023 een cijfer nog niet heeft, staat dat van 2022, met het jaar erbij (gemiddeld inkomen per inwoner).";
    None when there are none."""
    oudere = sorted(set(oudere) - {jaar}, reverse=True)
    if not oudere:
        return None
    namen = ", ".join(dict.fromkeys(_klein(label) for label in labels))
    jaren = " of ".join(map(str, oudere))
    return (f"Cijfers van {jaar}; waar {jaar} een cijfer nog niet heeft, staat dat van {jaren}, "
            f"met het jaar erbij ({namen}).")


def jaarnoot(kolom: str, jaar: int) -> str:
    """What stands beside a figure from an older year: "cijfer van 2022" ("met cijfers van 2022" for a score)."""
    return f"met cijfers van {jaar}" if kolom in SCORES or kolom.startswith(THEMA) else f"cijfer van {jaar}"


def _klein(label: str) -> str:
    """A label inside a sentence: its first letter small, unless the first word is an abbreviation (WOZ)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label
