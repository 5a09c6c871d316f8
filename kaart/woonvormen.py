"""Woonvorm profiles for the locatiezoeker: which places a Skaeve Huse, a Domus or a woonvorm of one's own may take.

A profile is a TOML file a planner can read and change (``kaart/definities/woonvormen/``,
or any file given by path). Each criterion is either a hard exclusion (a place
within ``afstand_m`` metres of what the criterion names is out) or a weighted
preference (scored 0 to 1 over the candidates, weighed by ``gewicht``). Every
criterion carries its default, its unit and an explanation in Dutch, because
the planner has to defend the choice in a meeting with the corporatie and the
zorgaanbieder.

Reading a profile collects every problem in the file and raises one
:class:`~kaart.errors.InputError` naming them all, so a planner fixes the file
in one go.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from kaart import definities
from kaart.categorieen import categorieen
from kaart.errors import InputError
from kaart.getallen import getal, kort

log = logging.getLogger(__name__)

MAP = definities.MAP / "woonvormen"
SOORTEN_UITSLUITING = ("woonbebouwing", "voorzieningen", "water")
SOORTEN_VOORKEUR = ("woonbebouwing", "voorzieningen", "drukpunt", "zorgdruk")
RICHTINGEN = ("dichtbij", "ver")
MAX_AFSTAND_M = 5_000
"""The largest exclusion buffer and preference range a profile or a user may set: distances are
measured up to here once per kaart, so a slider never triggers a new distance computation."""
MAX_GEWICHT = 10.0
HERSTEL = "Herstel het bestand; zie skaeve-huse.toml voor de opbouw."


@dataclass(frozen=True)
class Criterium:
    """One criterion of a profile: an exclusion (``rol == "uitsluiting"``) or a preference (``"voorkeur"``)."""

    id: str
    rol: str
    soort: str
    label: str
    uitleg: str
    eenheid: str
    afstand_m: float = 0.0
    """Exclusion: a place this close (or closer) to the criterion's features is out."""
    gewicht: float = 0.0
    """Preference: its weight in the weighted overlay."""
    richting: str = "dichtbij"
    """Distance preference: ``dichtbij`` (closer is better) or ``ver`` (farther is better)."""
    tot_m: float = MAX_AFSTAND_M
    """Distance preference: distances beyond this count as this far."""
    categorieen: tuple[str, ...] = ()
    dichtheid_min: float | None = None

    @property
    def is_afstand(self) -> bool:
        """Whether the criterion is measured as a distance to features (else it is an area's value)."""
        return self.soort in ("woonbebouwing", "voorzieningen", "water")

    @property
    def kenmerk(self) -> tuple:
        """What the criterion measures to, whatever its role: two criteria with the same kenmerk share distances."""
        return (self.soort, self.categorieen, self.dichtheid_min)


@dataclass(frozen=True)
class Woonvorm:
    """A woonvorm profile: its criteria and how candidate areas are formed."""

    naam: str
    label: str
    uitleg: str
    uitsluitingen: tuple[Criterium, ...]
    voorkeuren: tuple[Criterium, ...]
    min_oppervlakte_ha: float = 1.0
    uitleg_oppervlakte: str = ""
    beste_aandeel: float = 0.02
    """Cells among this share of the best remaining cells form candidate areas."""
    max_per_gemeente: int = 0
    """At most this many candidate areas per gemeente in the ranking (0: no limit), to spread them."""
    pad: str = ""

    @property
    def criteria(self) -> tuple[Criterium, ...]:
        return self.uitsluitingen + self.voorkeuren

    def met(self, gewichten: dict[str, float] | None = None, afstanden: dict[str, float] | None = None) -> Woonvorm:
        """This profile with user-set weights and exclusion buffers; unknown ids and bad values are refused."""
        gewichten, afstanden = gewichten or {}, afstanden or {}
        problemen = []
        voorkeur_ids = {c.id for c in self.voorkeuren}
        uitsluiting_ids = {c.id for c in self.uitsluitingen}
        for key, value in gewichten.items():
            if key not in voorkeur_ids:
                problemen.append(f"‘{key}’ is geen voorkeur van {self.naam} (kies uit {', '.join(voorkeur_ids)})")
            elif not 0 <= value <= MAX_GEWICHT:
                problemen.append(f"het gewicht van ‘{key}’ is {kort(value)}; geef 0 tot en met {kort(MAX_GEWICHT)}")
        for key, value in afstanden.items():
            if key not in uitsluiting_ids:
                problemen.append(f"‘{key}’ is geen uitsluiting van {self.naam} (kies uit {', '.join(uitsluiting_ids)})")
            elif not 0 <= value <= MAX_AFSTAND_M:
                problemen.append(f"de bufferafstand van ‘{key}’ is {kort(value)} m; geef 0 tot en met "
                                 f"{getal(MAX_AFSTAND_M)} m")
        if problemen:
            tekst = "; ".join(problemen)
            raise InputError(tekst[0].upper() + tekst[1:] + ".", "Bekijk de criteria van het profiel.",
                             parameter="woonvorm")
        voorkeuren = tuple(replace(c, gewicht=gewichten.get(c.id, c.gewicht)) for c in self.voorkeuren)
        if voorkeuren and not any(c.gewicht > 0 for c in voorkeuren):
            raise InputError("Alle voorkeuren wegen 0.", "Geef minstens één voorkeur een gewicht boven 0.")
        uitsluitingen = tuple(replace(c, afstand_m=afstanden.get(c.id, c.afstand_m)) for c in self.uitsluitingen)
        return replace(self, uitsluitingen=uitsluitingen, voorkeuren=voorkeuren)


def lees(pad: str | Path) -> Woonvorm:
    """Read and check one profile file.

    Raises
    ------
    InputError
        When the file is missing, is not TOML, or has criteria that are
        incomplete or unknown; the message lists every problem.
    """
    pad = Path(pad)
    if not pad.is_file():
        raise InputError(f"Er is geen woonvormprofiel op {pad}.",
                         f"Geef skaeve-huse, domus of eigen, of een .toml-bestand zoals die in {MAP}.", parameter="profiel")
    try:
        data = tomllib.loads(pad.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{pad} is geen leesbaar TOML-bestand ({err}).", HERSTEL) from err
    problemen: list[str] = []
    for veld in ("naam", "label"):
        if not isinstance(data.get(veld), str) or not data[veld].strip():
            problemen.append(f"‘{veld}’ ontbreekt")
    for veld in ("uitleg", "uitleg_oppervlakte"):
        if not isinstance(data.get(veld, ""), str):
            problemen.append(f"‘{veld}’ moet tekst zijn")
    rollen = {}
    for rol in ("uitsluiting", "voorkeur"):
        specs = data.get(rol, [])
        if not isinstance(specs, list) or not all(isinstance(spec, dict) for spec in specs):
            problemen.append(f"‘{rol}’ moet een lijst van [[{rol}]]-tabellen zijn")
            specs = []
        rollen[rol] = tuple(_criterium(spec, rol, problemen) for spec in specs)
    uitsluitingen, voorkeuren = rollen["uitsluiting"], rollen["voorkeur"]
    if not voorkeuren:
        problemen.append("er is geen [[voorkeur]]: een rangschikking vraagt minstens één voorkeur")
    ids = [c.id for c in uitsluitingen + voorkeuren]
    dubbel = sorted({i for i in ids if ids.count(i) > 1})
    if dubbel:
        problemen.append(f"dubbel gebruikte ids: {', '.join(dubbel)}")
    getallen = {"min_oppervlakte_ha": (0, 10_000), "beste_aandeel": (0.001, 1), "max_per_gemeente": (0, 1_000)}
    for veld, (lo, hi) in getallen.items():
        if veld in data and not (_is_getal(data[veld]) and lo <= data[veld] <= hi):
            problemen.append(f"‘{veld}’ is {data[veld]!r}; geef een getal van {kort(lo)} tot en met {kort(hi)}")
    if problemen:
        raise InputError(f"Het woonvormprofiel {pad} heeft problemen: {'; '.join(problemen)}.", HERSTEL)
    return Woonvorm(naam=data["naam"], label=data["label"], uitleg=" ".join(data.get("uitleg", "").split()),
                    uitsluitingen=uitsluitingen, voorkeuren=voorkeuren,
                    min_oppervlakte_ha=float(data.get("min_oppervlakte_ha", 1.0)),
                    uitleg_oppervlakte=data.get("uitleg_oppervlakte", ""),
                    beste_aandeel=float(data.get("beste_aandeel", 0.02)),
                    max_per_gemeente=int(data.get("max_per_gemeente", 0)), pad=str(pad))


def _is_getal(value: object) -> bool:
    """A TOML number: int or float, and not a boolean (which Python counts as an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _criterium(spec: dict, rol: str, problemen: list[str]) -> Criterium:
    cid = spec.get("id") or "?"
    waar = f"{rol} ‘{cid}’"
    for veld in ("id", "label", "soort", "uitleg", "eenheid"):
        if not isinstance(spec.get(veld), str) or not spec[veld].strip():
            problemen.append(f"{waar}: ‘{veld}’ ontbreekt")
    soorten = SOORTEN_UITSLUITING if rol == "uitsluiting" else SOORTEN_VOORKEUR
    soort = spec.get("soort")
    if soort not in soorten:
        problemen.append(f"{waar}: soort {soort!r} is niet een van {', '.join(soorten)}")
    cats = spec.get("categorieen", [])
    if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
        problemen.append(f"{waar}: categorieen moet een lijst van namen zijn, zoals [\"school\"]")
        cats = []
    cats = tuple(cats)
    if soort == "voorzieningen":
        onbekend = [c for c in cats if c not in categorieen()]
        if not cats or onbekend:
            problemen.append(f"{waar}: categorieen moet voorzieningscategorieën noemen "
                             f"({', '.join(categorieen())}){'; onbekend: ' + ', '.join(onbekend) if onbekend else ''}")
    dichtheid = spec.get("dichtheid_min")
    if soort == "woonbebouwing" and not (_is_getal(dichtheid) and dichtheid > 0):
        problemen.append(f"{waar}: dichtheid_min (inwoners per km²) moet een getal boven 0 zijn")

    def getal(veld: str, standaard: float, hi: float) -> float:
        value = spec.get(veld, standaard)
        if not _is_getal(value) or not 0 <= value <= hi:
            problemen.append(f"{waar}: ‘{veld}’ is {value!r}; geef een getal van 0 tot en met {kort(hi)}")
            return standaard
        return float(value)

    richting = spec.get("richting", "dichtbij")
    if rol == "voorkeur" and soort in ("woonbebouwing", "voorzieningen") and richting not in RICHTINGEN:
        problemen.append(f"{waar}: richting {richting!r} is niet een van {', '.join(RICHTINGEN)}")
    return Criterium(
        id=str(cid), rol=rol, soort=str(soort), label=str(spec.get("label", cid)),
        uitleg=" ".join(str(spec.get("uitleg", "")).split()), eenheid=str(spec.get("eenheid", "")),
        afstand_m=getal("afstand_m", 0.0, MAX_AFSTAND_M) if rol == "uitsluiting" else 0.0,
        gewicht=getal("gewicht", 1.0, MAX_GEWICHT) if rol == "voorkeur" else 0.0,
        richting=richting, tot_m=getal("tot_m", MAX_AFSTAND_M, MAX_AFSTAND_M) or MAX_AFSTAND_M,
        categorieen=cats, dichtheid_min=float(dichtheid) if _is_getal(dichtheid) else None)


@cache
def woonvormen(map_: Path = MAP) -> dict[str, Woonvorm]:
    """The shipped profiles by name (cached): skaeve-huse, domus, eigen, and any file added to the folder.

    A broken file added to the folder is logged and left out, so it cannot take the other profiles down.
    """
    result = {}
    for pad in sorted(map_.glob("*.toml")):
        try:
            w = lees(pad)
        except InputError as err:
            log.warning("Woonvorm profile left out: %s", err)
            continue
        result[w.naam] = w
    return result


def woonvorm(naam_of_pad: str) -> Woonvorm:
    """A shipped profile by name, or a profile file by path."""
    if naam_of_pad in woonvormen():
        return woonvormen()[naam_of_pad]
    if naam_of_pad.endswith(".toml") or "/" in naam_of_pad:
        return lees(naam_of_pad)
    raise InputError(f"Onbekend woonvormprofiel ‘{naam_of_pad}’.",
                     f"Kies uit: {', '.join(woonvormen())}, of geef het pad van een .toml-profiel.", parameter="profiel")
