"""Regio-indelingen: which woningmarktregio, zorgkantoorregio, centrumgemeente beschermd wonen /
maatschappelijke opvang, GGD-, arbeidsmarkt- and WMO-regio each gemeente belongs to.

Why: a verdeelsleutel is agreed per region, so the engine needs the gemeenten of a region. Two
sources give the same long frame (``gemeentecode``, ``gemeentenaam``, ``soort``, ``regio``,
``bron``, ``jaar``):

- online, CBS *Gebieden in Nederland* (one table per year, :data:`GEBIEDEN_TABELLEN`) through
  ``cbsodata``. Its column keys carry year-specific suffixes (``Code_16``, ``Naam_17``), so they are
  learnt from the table's DataProperties: each division is a topic group with a ``Code`` and a
  ``Naam`` topic under it;
- offline, the regioatlas CSV files (``;``, UTF-8 with BOM, columns ``Gemeente``, ``CBS``,
  ``<division>``, ``Inwoneraantal van regio``) from a folder the user names.

An indeling names the gemeenten of its own year. :func:`naar_jaar` maps every older code to its
successor in the year of the kaart through ``gemeentefusies.toml`` (chains resolved), so a 2016
indeling applies to this year's gemeenten; a merged gemeente whose predecessors sat in different
regions of one kind, and a gemeente that was split, are reported and left out, never silently assigned.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from kaart import codes
from kaart.errors import InputError, SourceError
from kaart.verdeelsleutel import REGIOSOORTEN
from layers.cbs import TIMEOUT, _cbs_errors, download_tabel

FUSIES = Path(__file__).with_name("gemeentefusies.toml")
KOLOMMEN = ["gemeentecode", "gemeentenaam", "soort", "regio", "bron", "jaar"]

GEBIEDEN_TABELLEN = {
    2016: "83287NED", 2017: "83553NED", 2018: "83859NED", 2019: "84378NED", 2020: "84721NED",
    2021: "84929NED", 2022: "85067NED", 2023: "85385NED", 2024: "85755NED", 2025: "86059NED",
}
"""The CBS table *Gebieden in Nederland* of each year (the indeling per 1 January)."""

_PATRONEN = [  # (pattern on a CBS topic-group title or a regioatlas column header, soort); first match wins
    (r"woningmarktregio", "woningmarktregio"),
    (r"zorgkantoor", "zorgkantoorregio"),
    (r"beschermd wonen|maatschappelijke opvang", "centrumgemeente_bw_mo"),
    (r"^ggd", "ggd_regio"),
    (r"arbeidsmarktregio", "arbeidsmarktregio"),
    (r"^wmo", "wmo_regio"),
    (r"jeugdzorgregio", "jeugdzorgregio"),
    (r"veiligheidsregio", "veiligheidsregio"),
]


def soort_van(titel: str) -> str | None:
    """The kind of region a CBS topic-group title or regioatlas column header names, or None."""
    tekst = titel.strip().lower()
    return next((soort for patroon, soort in _PATRONEN if re.search(patroon, tekst)), None)


# --- offline: the regioatlas files -------------------------------------------------------------------


def load_regioatlas(map_: str | Path, jaar: int = 2016) -> pd.DataFrame:
    """Every regioatlas CSV in ``map_`` whose division this module knows, as one long frame.

    Raises
    ------
    InputError
        When the folder does not exist, holds no regioatlas file of a known kind, or holds a CSV that is
        not UTF-8 or not ``;``-separated text (named, with how to fix it).
    """
    map_ = Path(map_)
    if not map_.is_dir():
        raise InputError(f"No folder {map_}.", "Give the folder that holds the regioatlas CSV files.")
    delen = []
    for pad in sorted(map_.glob("*.csv")):
        frame = _lees_csv(pad)
        if list(frame.columns[:2]) != ["Gemeente", "CBS"] or len(frame.columns) < 3:
            continue
        soort = soort_van(frame.columns[2])
        if soort is None or soort in {d["soort"].iloc[0] for d in delen}:
            continue  # e.g. the centrumgemeenten vrouwenopvang file, or a second file of one kind
        delen.append(pd.DataFrame({
            "gemeentecode": frame["CBS"].map(codes.gemeente), "gemeentenaam": frame["Gemeente"].str.strip(),
            "soort": soort, "regio": frame.iloc[:, 2].str.strip(), "bron": f"regioatlas ({pad.name})", "jaar": jaar}))
    if not delen:
        raise InputError(f"{map_} holds no regioatlas file of a known kind.",
                         f"Expected CSV files with columns Gemeente;CBS;<regio> for: {', '.join(REGIOSOORTEN)}.")
    return pd.concat(delen, ignore_index=True)[KOLOMMEN]


def _lees_csv(pad: Path) -> pd.DataFrame:
    """One CSV of the folder, as text. A file that cannot be read is an InputError naming it rather than
    skipped: it may well be a regioatlas file saved by Excel in another encoding, and leaving it out
    silently would drop a whole kind of region from the kaart."""
    try:
        return pd.read_csv(pad, sep=";", encoding="utf-8-sig", dtype=str)
    except UnicodeDecodeError as err:
        raise InputError(f"{pad} is not UTF-8 text (byte {err.start}: {err.reason}).",
                         "Save it as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8), or move it out of the folder.") \
            from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"{pad} is not a readable ';'-separated CSV: {str(err).strip()}.",
                         "Repair or re-download the file (columns Gemeente;CBS;<regio>), or move it out of the "
                         "folder.") from None


# --- online: CBS Gebieden in Nederland ---------------------------------------------------------------


def gebieden_tabel(jaar: int) -> str:
    """The id of CBS *Gebieden in Nederland* of ``jaar``; an InputError names the years there are."""
    try:
        return GEBIEDEN_TABELLEN[jaar]
    except KeyError:
        raise InputError(f"No CBS 'Gebieden in Nederland' table for {jaar}.",
                         f"Choose one of {', '.join(map(str, GEBIEDEN_TABELLEN))}, or import regioatlas files.") \
            from None


def load_cbs(jaar: int) -> pd.DataFrame:
    """The regio-indelingen of ``jaar`` from CBS *Gebieden in Nederland*, one row per gemeente and kind.

    Raises
    ------
    NetworkError, SourceError
        When CBS cannot be reached, or the table has no gemeente code or no known division.
    """
    import cbsodata

    tabel = gebieden_tabel(jaar)
    with _cbs_errors(tabel):
        properties = cbsodata.get_meta(tabel, "DataProperties", timeout=TIMEOUT)
    groepen = {p["ID"]: p for p in properties if p.get("Type") == "TopicGroup"}
    kinderen: dict[int | None, dict[str, str]] = {}
    for p in properties:
        if p.get("Type") == "Topic":
            kinderen.setdefault(p.get("ParentID"), {})[str(p.get("Title", "")).strip().lower()] = p["Key"]
    gemeente = next((kinderen[g] for g, p in groepen.items() if "gemeenten" in p["Title"].lower()
                     and {"code", "naam"} <= set(kinderen.get(g, {}))), None)
    indelingen = {}
    for g, p in groepen.items():
        soort = soort_van(p["Title"])
        if soort and soort not in indelingen and "naam" in kinderen.get(g, {}):
            indelingen[soort] = kinderen[g]["naam"]
    if gemeente is None or not indelingen:
        raise SourceError(f"CBS table {tabel} does not have the layout of 'Gebieden in Nederland' "
                          "(a gemeente Code/Naam and divisions with a Naam).",
                          "Check GEBIEDEN_TABELLEN in layers/regio_indelingen.py, or import regioatlas files.")
    frame = download_tabel(tabel, select=[gemeente["code"], gemeente["naam"], *indelingen.values()])
    lang = frame.melt(id_vars=[gemeente["code"], gemeente["naam"]], var_name="sleutel", value_name="regio")
    soort_per_sleutel = {k: s for s, k in indelingen.items()}
    lang = lang[lang["regio"].notna() & (lang["regio"] != "")]
    return pd.DataFrame({
        "gemeentecode": lang[gemeente["code"]].map(codes.gemeente).values,
        "gemeentenaam": lang[gemeente["naam"]].values, "soort": lang["sleutel"].map(soort_per_sleutel).values,
        "regio": lang["regio"].values, "bron": f"CBS {tabel} (Gebieden in Nederland)", "jaar": jaar,
    })[KOLOMMEN].sort_values(["soort", "gemeentecode"]).reset_index(drop=True)


# --- gemeente mergers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fusie:
    jaar: int
    code: str
    naam: str
    oud: dict[str, str]


@cache
def fusies() -> tuple[list[Fusie], dict[str, tuple[int, list[str]]]]:
    """The mergers (in year order) and the splits (code -> year, successor codes) of ``gemeentefusies.toml``."""
    data = tomllib.loads(FUSIES.read_text(encoding="utf-8"))
    lijst = sorted((Fusie(f["jaar"], f["code"], f["naam"], dict(f["oud"])) for f in data.get("fusie", [])),
                   key=lambda f: f.jaar)
    splitsingen = {s["code"]: (s["jaar"], list(s["over"])) for s in data.get("splitsing", [])}
    return lijst, splitsingen


def opvolger(code: str, jaar: int) -> tuple[str, int | None]:
    """The gemeente that ``code`` is part of in ``jaar``, and the year of its last merger (None: unchanged).

    Chains are followed (Nieuw-Lekkerland → Molenwaard in 2013 → Molenlanden in 2019).

    Raises
    ------
    InputError
        For a gemeente that was split over several gemeenten by ``jaar``: it has no one successor.
    """
    lijst, splitsingen = fusies()
    huidig, fusiejaar = codes.gemeente(code), None
    for fusie in lijst:
        if fusie.jaar <= jaar and huidig in fusie.oud and huidig != fusie.code:
            huidig, fusiejaar = fusie.code, fusie.jaar
    if huidig in splitsingen and splitsingen[huidig][0] <= jaar:
        splitsjaar, over = splitsingen[huidig]
        raise InputError(f"{huidig} was split over {', '.join(over)} in {splitsjaar}.", "Assign its parts by hand.")
    return huidig, fusiejaar


def opgeheven(jaar: int) -> dict[str, str]:
    """Per gemeente merged away by ``jaar`` (by old code and by old name, lower case) a Dutch hint naming what it
    is part of then: "Haren is sinds 2019 deel van Groningen (GM0014)". Why: a user types the village's old
    gemeente; "unknown gemeente" alone does not tell them it merged."""
    lijst, _ = fusies()
    namen = {f.code: f.naam for f in lijst}
    uit = {}
    for fusie in lijst:
        for code, naam in fusie.oud.items():
            if fusie.jaar > jaar or code == fusie.code:
                continue
            try:
                doel, sinds = opvolger(code, jaar)
            except InputError:
                continue
            tekst = f"{naam} is sinds {sinds} deel van {namen.get(doel, doel)} ({doel})"
            uit[code] = uit[naam.lower()] = tekst
    return uit


def fusiecodes(van_jaar: int, naar_jaar: int) -> dict[str, str]:
    """Each gemeente code of ``van_jaar`` that merged by ``naar_jaar``, mapped to its successor then.

    Why: ``kaart.harmonisatie`` sums merged gemeenten but may not read this layer's toml; it gets this
    plain mapping. Chains are followed (via ``opvolger``); split gemeenten are left out, so the engine
    lists them as not harmonisable instead of giving them to one successor.
    """
    lijst, splitsingen = fusies()
    uit = {}
    for code in {c for f in lijst if van_jaar < f.jaar <= naar_jaar for c in f.oud} | {
            f.code for f in lijst if van_jaar < f.jaar <= naar_jaar}:
        try:
            doel, _ = opvolger(code, naar_jaar)
        except InputError:
            continue
        if doel != code:
            uit[code] = doel
    return uit


def splitscodes(van_jaar: int, naar_jaar: int) -> dict[str, list[str]]:
    """Each gemeente of ``van_jaar`` split over several gemeenten by ``naar_jaar``, with those gemeenten.

    Why: ``kaart.harmonisatie`` can only redistribute a split gemeente by geometry; without it, it names
    the split as the reason instead of a bare "not found".
    """
    return {code: over for code, (jaar, over) in fusies()[1].items() if van_jaar < jaar <= naar_jaar}


def naar_jaar(indeling: pd.DataFrame, jaar: int) -> tuple[pd.DataFrame, list[str]]:
    """The indeling with every gemeente code replaced by its successor in ``jaar``.

    Returns
    -------
    (indeling, meldingen)
        One row per (gemeente, soort), with the columns of the input plus ``oorspronkelijk`` (the
        code(s) the source named) and ``fusiejaar``; and a sentence for every gemeente left out: one
        whose predecessors sat in different regions of one kind, or one that was split.
    """
    rijen, meldingen = [], []
    namen = {f.code: f.naam for f in fusies()[0]}
    for rij in indeling.itertuples(index=False):
        try:
            nieuw, fusiejaar = opvolger(rij.gemeentecode, jaar)
        except InputError as err:
            meldingen.append(f"{rij.gemeentecode} {rij.gemeentenaam} ({REGIOSOORTEN.get(rij.soort, rij.soort)}): "
                             f"{err.problem} Left out.")
            continue
        rijen.append({**rij._asdict(), "oorspronkelijk": rij.gemeentecode, "gemeentecode": nieuw,
                      "gemeentenaam": namen.get(nieuw, rij.gemeentenaam) if fusiejaar else rij.gemeentenaam,
                      "fusiejaar": fusiejaar})
    if not rijen:
        return pd.DataFrame(columns=[*KOLOMMEN, "oorspronkelijk", "fusiejaar"]), meldingen
    frame = pd.DataFrame(rijen)
    uit = []
    for (code, soort), groep in frame.groupby(["gemeentecode", "soort"], sort=True):
        regios = sorted(set(groep["regio"]))
        if len(regios) == 1:
            eerste = groep.iloc[0].to_dict()
            eerste["oorspronkelijk"] = ",".join(sorted(set(groep["oorspronkelijk"])))
            uit.append(eerste)
            continue
        delen = "; ".join(f"{o} in {r}" for o, r in zip(groep["oorspronkelijk"], groep["regio"]))
        meldingen.append(f"{code} {groep['gemeentenaam'].iloc[0]} ({REGIOSOORTEN.get(soort, soort)}): its predecessors "
                         f"sat in different regions ({delen}); not assigned, choose its region by hand.")
    resultaat = pd.DataFrame(uit)
    resultaat["fusiejaar"] = resultaat["fusiejaar"].astype("Int64")
    return resultaat[[*KOLOMMEN, "oorspronkelijk", "fusiejaar"]].reset_index(drop=True), meldingen
