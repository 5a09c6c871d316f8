"""Statistics and geometry from local files, for offline use: the build source ``bestanden``.

GeoPackage (every layer, or one), GeoJSON, TopoJSON, shapefile and CSV with
KWB attributes in any schema ``kaart/definities/kolommen.toml`` knows: PDOK's camelCase,
the classic CBS shapefile names, tmap's English names. Each layer becomes
canonical rows through ``kaart.normaliseren``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from kaart.bouwen import Bron, Jaargang
from kaart.errors import InputError
from kaart.geobestand import GEOJSON_SUFFIXES, VECTOR_SUFFIXES, parse_spec, with_crs
from kaart.normaliseren import Normalisatie, normalise
from kaart.regio import gemeenten_in, resolve_gemeenten
from layers.bouwbronnen import Bouwbron, Invoer, LetOp, Stap, Vraag, registreer
from layers.regio_indelingen import fusiecodes, opgeheven, splitscodes

TABLE_SUFFIXES = {".csv", ".txt"}


@dataclass
class Bestandslaag:
    """One layer of a file, in canonical rows, with what normalising it did."""

    rijen: pd.DataFrame
    normalisatie: Normalisatie
    info: dict


def load_bestand(path: str | Path, laag: str | None = None, jaar: int | None = None) -> list[Bestandslaag]:
    """Read a file's layers that carry CBS codes.

    Parameters
    ----------
    path
        A GeoPackage, GeoJSON, TopoJSON, shapefile or CSV file.
    laag
        One layer of a GeoPackage; by default every layer with CBS codes.
    jaar
        The year, for files without a ``jaar`` column.

    Raises
    ------
    InputError
        When the file is missing, unreadable, of an unknown type, or has no layer with CBS codes.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"File not found: {path}.", "Check the path.")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return [_load_table(path, jaar)]
    if suffix not in VECTOR_SUFFIXES:
        raise InputError(
            f"{path.name}: unknown file type '{suffix}'.",
            "Give a GeoPackage (.gpkg), GeoJSON (.geojson), TopoJSON, shapefile (.shp) or CSV (.csv).",
        )
    source = f"TopoJSON:{path}" if suffix == ".topojson" else str(path)
    try:
        available = [name for name, _ in pyogrio.list_layers(source)]
    except Exception as err:  # GDAL raises several types for unreadable files
        raise InputError(f"Cannot read {path.name}: {err}.", "Check that the file is complete and of the type its name says.") from err
    if laag is not None and laag not in available:
        raise InputError(f"{path.name} has no layer '{laag}'.", f"Choose one of: {', '.join(available)}.")
    layers = [laag] if laag else available
    results: list[Bestandslaag] = []
    problems: list[InputError] = []
    for name in layers:
        try:
            frame = gpd.read_file(source, layer=name, engine="pyogrio")
        except Exception as err:
            raise InputError(f"Cannot read layer '{name}' of {path.name}: {err}.", "Check the file.") from err
        label = f"{path.name}:{name}" if len(available) > 1 else path.name
        frame = with_crs(frame, label, geojson=suffix in GEOJSON_SUFFIXES)
        try:
            rows, report = normalise(frame, bron=label, jaar=jaar)
        except InputError as err:
            if laag or len(layers) == 1:
                raise
            problems.append(err)
            continue
        results.append(Bestandslaag(rows, report, {"bron": label, "pad": str(path.resolve()), "laag": name,
                                                   "rijen": len(rows)}))
    if not results:
        # A layer that has codes but lacks something else (a year) says more than one without codes.
        raise next((p for p in problems if "CBS area codes" not in p.problem), problems[0])
    return results


def read_csv(path: Path) -> pd.DataFrame:
    """A UTF-8 CSV (``,``, ``;`` or tab, sniffed) as text columns, every cell kept as written."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(8192)
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        return pd.read_csv(path, sep=delimiter, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, csv.Error, pd.errors.ParserError) as err:
        raise InputError(f"Cannot read {path.name} as CSV: {err}.", "Give a UTF-8 CSV file with a header row.") from err


def _load_table(path: Path, jaar: int | None) -> Bestandslaag:
    frame = read_csv(path)
    rows, report = normalise(frame, bron=path.name, jaar=jaar)
    return Bestandslaag(rows, report, {"bron": path.name, "pad": str(path.resolve()), "rijen": len(rows)})


def lees(vraag: Vraag, stap: Stap, let_op: LetOp) -> Invoer:
    """The build source ``bestanden``: every layer with CBS codes of the files given, offline.

    Without a year the files must hold one; without gemeenten the region is every gemeente with wijken
    or buurten in the files (one that is only a gemeente row is named, not silently taken). For a range of
    years (``vraag.vanaf``) each file's year is its own ``jaar`` column, else the ``@JAAR`` after its path,
    else the one year its name holds (``gem_2017.csv``); the newest year is the kaart, the older ones its
    series.
    """
    if not vraag.bestanden:
        raise InputError("--bron bestanden needs at least one --bestand.", "Give the files with --bestand PATH.")
    if vraag.tabel or vraag.odata != "auto":
        raise InputError("--tabel and --odata choose what is read from CBS online; files are read as they are.",
                         "Leave them out with --bron bestanden.")
    stap(f"Bestanden lezen ({len(vraag.bestanden)})")
    jaar = vraag.jaar
    lagen = [laag for spec in vraag.bestanden for laag in _lagen(spec, vraag, let_op)]
    bronnen = _bouwbronnen(lagen, jaar, let_op)
    alle = pd.concat([pd.DataFrame(b.rijen).drop(columns="geometry", errors="ignore") for b in bronnen],
                     ignore_index=True)
    if jaar is None:
        jaren = sorted(int(j) for j in alle["jaar"].dropna().unique())
        if len(jaren) != 1:
            raise InputError(f"The files hold several years ({', '.join(map(str, jaren))}).",
                             "Choose one with --jaar, or a range with --jaar 2017-2022.")
        jaar = jaren[0]
    eerdere = {}
    if vraag.vanaf is not None:
        bronnen, eerdere = _per_jaar(bronnen, vraag.vanaf, jaar, let_op)
        alle = alle[alle["jaar"] == jaar]
    bekend = gemeenten_in(alle)
    gevraagd = vraag.gemeenten
    codes = resolve_gemeenten(gevraagd, bekend, opgeheven(jaar)) if gevraagd else list(bekend.loc[bekend["fijnst"], "code"])
    if not gevraagd and not bekend["fijnst"].all():
        weg = bekend.loc[~bekend["fijnst"], "code"]
        let_op(f"Let op: {len(weg)} gemeente(n) staan in de bestanden alleen als gemeenterij, zonder wijken "
               f"of buurten, en vallen buiten de regio ({', '.join(weg.head(5))}{' …' if len(weg) > 5 else ''}); "
               "kies ze met --gemeente.")
    # the Netherlands from the files when one covers the whole country
    return Invoer(bronnen, bekend, codes, jaar, eerdere=eerdere)


_JAAR_ACHTER = re.compile(r"@(\d{4})$")
_JAAR_IN_NAAM = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")


def _lagen(spec: str, vraag: Vraag, let_op: LetOp) -> list[Bestandslaag]:
    """The layers of one ``--bestand``, each row with its year. In a range of years a file that names no
    year takes the year after ``@`` or in its name; one with neither is refused (whose year would it be?)."""
    achter = _JAAR_ACHTER.search(spec)
    spec = spec[:achter.start()] if achter else spec
    pad, laag = parse_spec(spec)
    if vraag.vanaf is None:
        return load_bestand(pad, laag, jaar=int(achter.group(1)) if achter else vraag.jaar)
    in_naam = sorted(set(_JAAR_IN_NAAM.findall(pad.name)))
    jaar = int(achter.group(1)) if achter else int(in_naam[0]) if len(in_naam) == 1 else None
    lagen = load_bestand(pad, laag, jaar=jaar or vraag.jaar)
    for bestandslaag in lagen:
        if bestandslaag.normalisatie.jaar_uit_bestand:
            continue
        if jaar is None:
            raise InputError(f"{bestandslaag.info['bron']} names no year, and neither does its file name.",
                             f"Give its year after the path: --bestand {spec}@{vraag.jaar}.")
        bestandslaag.normalisatie.jaar_uit_bestand = True  # the year is the file's, not --jaar's
        if not achter:
            let_op(f"Let op: {bestandslaag.info['bron']} noemt geen jaar; de rijen gelden als {jaar}, het jaar "
                   f"in de bestandsnaam (geef anders {pad.name}@JAAR).")
        bestandslaag.info["jaar"] = jaar
    return lagen


def _per_jaar(bronnen: list[Bron], vanaf: int, tot: int, let_op: LetOp) -> tuple[list[Bron], dict[int, Jaargang]]:
    """The sources of the newest year, and those of each older year of the range as its :class:`Jaargang`
    with the mergers and splits of gemeenten since then. Rows outside the range are left out, and said."""
    per_jaar: dict[int, list[Bron]] = {}
    buiten = set()
    for b in bronnen:
        for jaar, rijen in b.rijen.groupby("jaar"):
            jaar = int(jaar)
            if vanaf <= jaar <= tot:
                per_jaar.setdefault(jaar, []).append(replace(b, rijen=rijen))
            else:
                buiten.add(jaar)
    if tot not in per_jaar:
        raise InputError(f"No file holds figures of {tot}, the newest year of the range.",
                         f"Add the files of {tot}, or end the range at {max(per_jaar, default=vanaf)}.")
    if buiten:
        let_op(f"Let op: de bestanden hebben ook rijen van {', '.join(map(str, sorted(buiten)))}, buiten "
               f"{vanaf}-{tot}; die zijn weggelaten.")
    ontbreekt = [j for j in range(vanaf, tot) if j not in per_jaar]
    if ontbreekt:
        let_op(f"Let op: geen bestanden van {', '.join(map(str, ontbreekt))}; de reeks slaat die jaren over.")
    eerdere = {j: Jaargang(bs, fusies=fusiecodes(j, tot), splitsingen=splitscodes(j, tot))
               for j, bs in per_jaar.items() if j != tot}
    return per_jaar[tot], eerdere


def _bouwbronnen(lagen: list[Bestandslaag], jaar: int | None, let_op: LetOp) -> list[Bron]:
    """The file layers as build sources, with their unplaceable rows and, for a file that names no
    year, the note that its rows were taken to be of ``--jaar`` (said at once, and kept in the kaart)."""
    bronnen = []
    for laag in lagen:
        info = dict(laag.info)
        if not laag.normalisatie.jaar_uit_bestand:
            info["jaar"] = f"{jaar} (aangenomen: het bestand noemt geen jaar)"
            let_op(f"Let op: {info['bron']} noemt geen jaar; de rijen gelden als {jaar} (--jaar).")
        bronnen.append(Bron(laag.rijen, info, niet_geplaatst=laag.normalisatie.niet_geplaatst))
    return bronnen


registreer(Bouwbron("bestanden", "local files given with --bestand", stappen=1, lees=lees, gekozen_door="bestanden"))


def lees_koppeltabel(pad: Path) -> dict[str, str]:
    """A koppeltabel: a CSV whose first two columns of CBS codes give an old code and the code of the same area
    today (CBS publishes them with its indelingswijzigingen; a gemeente's own list of renumbered wijken works
    too). Rows with an empty side are skipped; an old code given two targets is refused."""
    frame = read_csv(Path(pad))
    kolommen = [k for k in frame.columns if frame[k].str.strip().str.upper().str.match(r"^(GM|WK|BU)\d").any()]
    if len(kolommen) < 2:
        raise InputError(f"{Path(pad).name}: no two columns of CBS codes (GM/WK/BU) found.",
                         "Give a CSV with the old code in the first column and today's code in the second.")
    paren = frame[kolommen[:2]].apply(lambda k: k.str.strip().str.upper())
    paren = paren[(paren != "").all(axis=1)].drop_duplicates()
    dubbel = paren[paren.duplicated(kolommen[0], keep=False)]
    if len(dubbel):
        raise InputError(f"{Path(pad).name}: {dubbel.iloc[0, 0]} is given more than one code of today.",
                         "Give every old code once; an area split over several is harmonised by its geometry.")
    return dict(zip(paren[kolommen[0]], paren[kolommen[1]]))
