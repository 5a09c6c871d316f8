"""The regional agreement of an inrichtingsplan: the verdeelsleutel over the plan's gemeenten, each gemeente's
bod per woonproduct and year, the realisation year by year, and the gaps between them.

Why it is built this way: the settings are stored, the shares are not. :func:`overzicht` computes them with
the engine (``kaart.verdeelsleutel.verdeel_kaart`` over exactly the plan's gemeenten) every time it is read,
so the plan can never disagree with the verdeelsleutel page for the same settings, and a kaart with newer
figures shows the shares they give. The rules follow :mod:`webapp.plannen.regels`: one function per change,
everything checked before anything is written, a Dutch :class:`Weigering` naming the field and the fix, a
vastgesteld version refused (409). The ``lees_*`` functions hold the checks of one record and are shared
with the import (``uitwisseling``), which is exactly as strict.

The overview is plain data (dataclasses of numbers and words, no markup), so the plan page and the plan
document render the same figures.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import shapely
from pyproj import Transformer
from sqlalchemy.orm import Session

from kaart.crs import RD_NEW
from kaart.errors import InputError
from kaart.getallen import getal
from kaart.kaartbestand import Kaart
from kaart.verdeelsleutel import BASISSEN, MAX_AANTAL, MAX_JAREN, Verdeling, lees_grens, verdeel_kaart
from webapp.errors import Weigering
from webapp.plannen import regels
from webapp.plannen.model import (
    AFSPRAAKVELDEN,
    STATUS_REALISATIE,
    WOONPRODUCTEN,
    Bod,
    Planversie,
    Realisatie,
    Regioafspraak,
)
from webapp.werksessies import velden

EERSTE_JAAR = (2000, 2100)
"""The calendar years an agreement can start in."""
_NAAR_RD = Transformer.from_crs("EPSG:4326", RD_NEW, always_xy=True)


def vereis_regio(versie: Planversie) -> None:
    """A Weigering for a regional agreement on a gebied-plan, and for any change to a vastgesteld version."""
    regels.vereis_concept(versie)
    if versie.soort != "regio":
        raise Weigering("Een regionale afspraak (verdeelsleutel, boden en realisatie) hoort bij een plan voor een "
                        "regio van gemeenten; dit plan geldt een gebied. Maak een plan voor de regio.")


def gemeenten(versie: Planversie) -> list[str]:
    """The gemeente codes of a regional plan's version, in the plan's order."""
    return [g.code for g in versie.gebieden]


def instellingen(versie: Planversie) -> dict | None:
    """A version's stored verdeelsleutel settings as :func:`lees_afspraak` returns them (None when it has none)."""
    afspraak = versie.regioafspraak
    return None if afspraak is None else {k: getattr(afspraak, k) for k in AFSPRAAKVELDEN}


def verdeling(afspraak: dict, codes: list[str], kaart: Kaart) -> Verdeling:
    """The engine's outcome for checked settings over exactly ``codes``; its message as a Weigering."""
    try:
        return verdeel_kaart(kaart, aantal=afspraak["aantal"], jaren=afspraak["jaren"], basis=afspraak["basis"],
                             correctie=afspraak["correctie"], minimum=lees_grens(afspraak["minimum"], "minimum"),
                             maximum=lees_grens(afspraak["maximum"], "maximum"), gemeenten=codes)
    except InputError as err:
        raise Weigering(f"De verdeelsleutel kan zo niet: {err}") from None


def lees_afspraak(data: dict, codes: list[str], kaart: Kaart) -> dict:
    """The checked settings of a verdeelsleutel (``AFSPRAAKVELDEN``): each field on its own, then the whole by
    the engine itself (a base the kaart lacks, bounds that cannot be met, a correction without zorgdruk)."""
    kolommen = {
        "aantal": velden.heel(data.get("aantal"), "aantal per jaar", 0, MAX_AANTAL),
        "jaren": velden.heel(data.get("jaren"), "aantal jaren", 1, MAX_JAREN),
        "eerste_jaar": velden.heel(data.get("eerste_jaar"), "eerste jaar", *EERSTE_JAAR),
        "basis": velden.keuze(data.get("basis"), BASISSEN, "Kies de basis van de verdeelsleutel"),
        "correctie": velden.getal_of_niets(data.get("correctie"), "correctie voor bestaande zorgdruk") or 0.0,
        "minimum": velden.tekst(data.get("minimum"), "minimum per gemeente per jaar", 2000),
        "maximum": velden.tekst(data.get("maximum"), "maximum per gemeente per jaar", 2000)}
    verdeling(kolommen, codes, kaart)
    return kolommen


def _jaren(afspraak: dict) -> range:
    return range(afspraak["eerste_jaar"], afspraak["eerste_jaar"] + afspraak["jaren"])


def _periode(jaren: range) -> str:
    return str(jaren[0]) if len(jaren) == 1 else f"{jaren[0]} tot en met {jaren[-1]}"


def _sleutel(data: dict, codes: Collection[str], afspraak: dict | None, wat: str) -> dict:
    """The gemeente, woonproduct and year a bod or realisation is about, each checked against the agreement."""
    if afspraak is None:
        raise Weigering(f"Leg eerst de verdeelsleutel van de regionale afspraak vast: {wat} hoort bij een jaar van "
                        "de afspraak.")
    gemeente = velden.tekst(data.get("gemeente"), "gemeente", 20, verplicht=True,
                            leeg="Kies de gemeente.").upper()
    if gemeente not in codes:
        raise Weigering(f"De gemeente {gemeente} hoort niet bij de regio van dit plan. Kies een gemeente van de "
                        "regio uit de lijst.")
    jaren = _jaren(afspraak)
    jaar = velden.heel(data.get("jaar"), "jaar", *EERSTE_JAAR)
    if jaar not in jaren:
        raise Weigering(f"Het jaar {jaar} valt buiten de afspraak ({_periode(jaren)}). Kies een jaar van de "
                        "afspraak, of verleng eerst de afspraak.")
    return {"gemeente": gemeente, "woonproduct": velden.keuze(data.get("woonproduct"), WOONPRODUCTEN,
                                                               "Kies het woonproduct"), "jaar": jaar}


def _aantal(waarde: object) -> int:
    """A number of homes; empty is 0 (which removes the row)."""
    return 0 if waarde is None or waarde == "" else velden.heel(waarde, "aantal", 0, MAX_AANTAL)


def lees_bod(data: dict, codes: Collection[str], afspraak: dict | None, kaart: Kaart) -> dict:
    """The checked columns of a bod; a candidate site is a description, with a point in the gemeente or without."""
    kolommen = {**_sleutel(data, codes, afspraak, "een bod"), "aantal": _aantal(data.get("aantal")),
                "locatie": velden.tekst(data.get("locatie"), "kandidaat-locatie", 200),
                "lat": velden.getal_of_niets(data.get("lat"), "breedtegraad"),
                "lon": velden.getal_of_niets(data.get("lon"), "lengtegraad")}
    if (kolommen["lat"] is None) != (kolommen["lon"] is None):
        raise Weigering("Geef van de kandidaat-locatie zowel de breedtegraad als de lengtegraad, of geen van "
                        "beide.")
    if kolommen["lat"] is not None:
        if not (-90 <= kolommen["lat"] <= 90 and -180 <= kolommen["lon"] <= 180):
            raise Weigering("De kandidaat-locatie ligt niet op aarde (breedtegraad −90 tot 90, lengtegraad −180 "
                            "tot 180). Kies de locatie met de locatiezoeker.")
        if not kolommen["locatie"]:
            raise Weigering("Beschrijf de kandidaat-locatie, zoals ‘voormalig schoolterrein Noordstraat’.")
        if kolommen["gemeente"] not in kaart.gebieden["gemeente"].index:  # a kaart built later without it
            raise Weigering(f"Deze kaart heeft geen grens van {kolommen['gemeente']}, dus de kandidaat-locatie is "
                            "niet te controleren. Laat de breedte- en lengtegraad leeg.")
        gemeente = kaart.gebieden["gemeente"].loc[[kolommen["gemeente"]]].to_crs(RD_NEW)
        punt = shapely.Point(*_NAAR_RD.transform(kolommen["lon"], kolommen["lat"]))
        if not gemeente.geometry.iloc[0].covers(punt):
            raise Weigering(f"De kandidaat-locatie ‘{kolommen['locatie']}’ ligt niet in {gemeente['naam'].iloc[0]}. "
                            "Kies een plek in de gemeente van het bod, bijvoorbeeld met de locatiezoeker.")
    return kolommen


def lees_realisatie(data: dict, codes: Collection[str], afspraak: dict | None) -> dict:
    """The checked columns of a realisation: how many of a woonproduct a gemeente has in a year, in one state."""
    return {**_sleutel(data, codes, afspraak, "de realisatie"),
            "status": velden.keuze(data.get("status"), STATUS_REALISATIE, "Kies de stand van de realisatie"),
            "aantal": _aantal(data.get("aantal"))}


def zet_verdeelsleutel(session: Session, versie: Planversie, data: dict, kaart: Kaart) -> Regioafspraak:
    """Set (or replace) the verdeelsleutel of a regional plan's concept; bods and realisations it already has
    must stay inside the new years."""
    vereis_regio(versie)
    kolommen = lees_afspraak(data, gemeenten(versie), kaart)
    jaren = _jaren(kolommen)
    buiten = sorted({r.jaar for r in [*versie.boden, *versie.realisaties] if r.jaar not in jaren})
    if buiten:
        raise Weigering(f"Er staan boden of realisaties voor {', '.join(map(str, buiten))}, buiten de nieuwe "
                        f"afspraak ({_periode(jaren)}). Kies jaren die ze omvatten, of haal ze eerst weg.")
    if versie.regioafspraak is None:
        versie.regioafspraak = Regioafspraak(**kolommen)
    else:
        for veld, waarde in kolommen.items():
            setattr(versie.regioafspraak, veld, waarde)
    regels.gewijzigd(session, versie)
    return versie.regioafspraak


def _zet(session: Session, versie: Planversie, rijen: list, kolommen: dict, sleutel: tuple[str, ...], soort):
    """Replace the row with ``kolommen``'s key in ``rijen`` by a new one; an aantal of 0 only removes it."""
    rijen[:] = [r for r in rijen if any(getattr(r, k) != kolommen[k] for k in sleutel)]
    session.flush()  # the old row goes before a new one with the same key arrives
    rij = None
    if kolommen["aantal"]:
        rij = soort(**kolommen)
        rijen.append(rij)
    regels.gewijzigd(session, versie)
    return rij


def zet_bod(session: Session, versie: Planversie, data: dict, kaart: Kaart) -> Bod | None:
    """A gemeente's bod of one woonproduct in one year, new or replacing the one it had; 0 or empty removes it."""
    vereis_regio(versie)
    kolommen = lees_bod(data, gemeenten(versie), instellingen(versie), kaart)
    return _zet(session, versie, versie.boden, kolommen, ("gemeente", "woonproduct", "jaar"), Bod)


def zet_realisatie(session: Session, versie: Planversie, data: dict) -> Realisatie | None:
    """How many of one woonproduct a gemeente has in one year in one state; 0 or empty removes the row."""
    vereis_regio(versie)
    kolommen = lees_realisatie(data, gemeenten(versie), instellingen(versie))
    return _zet(session, versie, versie.realisaties, kolommen, ("gemeente", "woonproduct", "jaar", "status"),
                Realisatie)


# --- the overview --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stand:
    """Share, bod and realisation of one gemeente, one year or the whole region, and the gaps between them.

    All numbers are homes (units); a gap is positive while something is still missing and negative when a
    gemeente offers or has built more than its share."""

    aandeel: int
    """The units the verdeelsleutel gives (over the whole agreement, or in one year)."""
    bod: int
    bod_per_product: dict[str, int]
    """The bod per woonproduct code (``WOONPRODUCTEN``), every product present (0 when none)."""
    gereed: int
    in_voorbereiding: int
    nog_niet: int
    tekort_in_bod: int
    """``aandeel - bod``."""
    nog_te_realiseren: int
    """``aandeel - gereed``."""


@dataclass(frozen=True)
class Gemeentestand:
    """One gemeente's row: its share of the key and its :class:`Stand` in total and per year."""

    code: str
    naam: str
    percentage: float
    """Its part of the task, 0 to 100: its exact quota over the units a year (after the correction and the
    bounds; the key's share when there are no units to share)."""
    totaal: Stand
    per_jaar: dict[int, Stand]


@dataclass(frozen=True)
class Kandidaat:
    """A bod with a candidate site, for a list or a map."""

    gemeente: str
    """The gemeente's name."""
    woonproduct: str
    """The product's label."""
    jaar: int
    aantal: int
    locatie: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Overzicht:
    """The regional agreement of one version as plain data: per gemeente, per year and for the region."""

    gemeenten: list[Gemeentestand]
    totaal: Stand
    """The totals row."""
    per_jaar: dict[int, Stand]
    """The whole region per calendar year."""
    jaren: list[int]
    woonproducten: dict[str, str]
    """Code -> label of every woonproduct, in the order the columns take."""
    aantal: int
    """Units a year."""
    basis: str
    """The base in words (``huishoudens``)."""
    correctie: float
    formule: str
    """The key in words (``kaart.verdeelsleutel.formule``), to print with the table."""
    bron: str
    """The source line of the figures the key used (with their year)."""
    jaar_basis: int
    """The year of the kaart's figures."""
    fictief: bool
    """The kaart is the fictitious demo region."""
    kandidaten: list[Kandidaat]
    verdeling: Verdeling
    """The engine's full outcome, for a renderer that wants more (exact quota, correction factors)."""


def gat(n: int) -> str:
    """A gap as the page and the document write it: what is still missing, or how much more was offered or
    built than the share ("3 meer")."""
    return f"{getal(-n)} meer" if n < 0 else getal(n)


def _stand(aandeel: int, boden: Iterable[Bod], realisaties: Iterable[Realisatie]) -> Stand:
    boden, realisaties = list(boden), list(realisaties)
    per_product = {p: sum(b.aantal for b in boden if b.woonproduct == p) for p in WOONPRODUCTEN}
    per_status = {s: sum(r.aantal for r in realisaties if r.status == s) for s in STATUS_REALISATIE}
    bod = sum(per_product.values())
    return Stand(aandeel=aandeel, bod=bod, bod_per_product=per_product, gereed=per_status["gereed"],
                 in_voorbereiding=per_status["in_voorbereiding"], nog_niet=per_status["nog_niet"],
                 tekort_in_bod=aandeel - bod, nog_te_realiseren=aandeel - per_status["gereed"])


def overzicht(versie: Planversie, kaart: Kaart) -> Overzicht | None:
    """The overview of a regional plan's version (None while it has no verdeelsleutel); a Weigering when the
    stored settings no longer fit the kaart (a kaart rebuilt without a gemeente's figures)."""
    afspraak = instellingen(versie)
    if afspraak is None:
        return None
    v = verdeling(afspraak, gemeenten(versie), kaart)
    jaren = list(_jaren(afspraak))
    kolom = dict(zip(jaren, v.jaarkolommen))

    def van(rijen, code=None, jaar=None):
        return [r for r in rijen if (code is None or r.gemeente == code) and (jaar is None or r.jaar == jaar)]

    rijen = [Gemeentestand(
        code=code, naam=str(r["naam"]),
        percentage=float(r["quotum"] / v.aantal if v.aantal else r["aandeel_gecorrigeerd"]) * 100,
        totaal=_stand(int(r["totaal"]), van(versie.boden, code), van(versie.realisaties, code)),
        per_jaar={j: _stand(int(r[kolom[j]]), van(versie.boden, code, j), van(versie.realisaties, code, j))
                  for j in jaren})
        for code, r in v.tabel.iterrows()]
    namen = dict(zip(v.tabel.index, v.tabel["naam"].astype(str)))
    return Overzicht(
        gemeenten=rijen, totaal=_stand(int(v.tabel["totaal"].sum()), versie.boden, versie.realisaties),
        per_jaar={j: _stand(int(v.tabel[kolom[j]].sum()), van(versie.boden, jaar=j), van(versie.realisaties, jaar=j))
                  for j in jaren},
        jaren=jaren, woonproducten=dict(WOONPRODUCTEN), aantal=v.aantal, basis=BASISSEN[v.basis],
        correctie=v.correctie, formule=v.formule, bron=v.bron, jaar_basis=kaart.jaar, fictief=v.fictief,
        kandidaten=[Kandidaat(namen.get(b.gemeente, b.gemeente), WOONPRODUCTEN[b.woonproduct], b.jaar, b.aantal,
                              b.locatie, b.lat, b.lon)
                    for b in sorted(versie.boden, key=lambda b: (b.jaar, b.gemeente, b.woonproduct)) if b.locatie],
        verdeling=v)
