"""Statistics from the CBS Kerncijfers Wijken en Buurten (KWB) tables, through ``cbsodata``.

CBS publishes one KWB table per year, each with its own id and its own numeric
suffixes on the column keys (``AantalInwoners_5``). This adapter learns a
table's keys from its DataProperties, asks CBS for only the region's rows
(server-side ``$filter``) and only the columns the engine knows (``$select``),
and hands them to ``kaart.normaliseren``. Gemeente codes are validated before
they are put into a filter, so no user text reaches a query.

Every failure becomes a :class:`kaart.errors.NetworkError` (CBS unreachable) or
:class:`kaart.errors.SourceError` (CBS answered, but not with what we need).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

import cbsodata
import pandas as pd

from kaart import codes
from kaart.errors import InputError, SourceError
from kaart.kolommen import statistics_mapping
from kaart.normaliseren import Normalisatie, normalise
from kaart.waarden import to_number
from layers._http import http_errors

log = logging.getLogger(__name__)

KWB_TABELLEN = {
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
    2025: "86165NED",
}
"""The one place that says which CBS table holds the Kerncijfers Wijken en Buurten of a year."""

BRON = "CBS Kerncijfers wijken en buurten"
API_URL = "https://opendata.cbs.nl/ODataApi/OData/{tabel}"
TIMEOUT = (10, 120)
"""Seconds to connect and to wait for data: the Feed answers big tables slowly, but not forever."""

DIMENSIE = "WijkenEnBuurten"
"""The area dimension; its keys are the padded codes ("GM0505    ") the filter matches on."""

_SUFFIX = re.compile(r"_\d+$")


def kwb_tabel(jaar: int) -> str:
    """The id of the KWB table of ``jaar``.

    Raises
    ------
    InputError
        When CBS has no KWB table for that year in ``KWB_TABELLEN``; the message names the years there are.
    """
    try:
        return KWB_TABELLEN[jaar]
    except KeyError:
        raise InputError(
            f"No CBS Kerncijfers wijken en buurten table for {jaar}.",
            f"Choose one of the years {', '.join(map(str, KWB_TABELLEN))}.",
        ) from None


def download_tabel(tabel: str, *, select: list[str] | None = None, filters: str | None = None) -> pd.DataFrame:
    """Download (part of) a CBS OData table as a frame, with the space padding of its texts removed.

    ``cbsodata.get_data`` follows the Feed's ``odata.nextLink`` pages and puts
    each dimension key's title in its place. CBS right-pads text cells
    (``"GM0505    "``); they are stripped here so that every caller compares
    clean codes and names.

    Parameters
    ----------
    tabel
        The CBS table id, e.g. ``85618NED``.
    select
        The columns to fetch; all when ``None``.
    filters
        An OData ``$filter`` expression. Build it from validated values only.

    Raises
    ------
    NetworkError
        When opendata.cbs.nl cannot be reached.
    SourceError
        When CBS answers with an HTTP error or with something that is not OData JSON.
    """
    with _cbs_errors(tabel):
        # cbsodata 1.3.5 *drops* the collection its ``typed`` flag names, so the default
        # (typed=False) is the call that downloads TypedDataSet (numbers, null for missing).
        records = cbsodata.get_data(tabel, select=select, filters=filters, timeout=TIMEOUT)
    frame = pd.DataFrame.from_records(records, columns=select)
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or pd.api.types.is_object_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) else v)
    return frame


def gemeenten(jaar: int) -> pd.DataFrame:
    """All gemeenten of ``jaar`` as CBS lists them, to resolve names users type to codes.

    Returns
    -------
    DataFrame
        Columns ``code`` (``GM0505``) and ``naam`` (``Dordrecht``), sorted by code.

    Raises
    ------
    InputError
        For a year without a KWB table.
    NetworkError, SourceError
        When CBS cannot be reached or answers unexpectedly.
    """
    tabel = kwb_tabel(jaar)
    codering, gemeentenaam, _ = _keys(tabel)
    frame = download_tabel(tabel, select=[codering, gemeentenaam], filters=f"startswith({DIMENSIE},'GM')")
    # The code column, not the filter, decides what is a gemeente: a server that ignored
    # the filter must not turn wijken into gemeenten.
    frame = frame.assign(code=frame[codering].map(codes.clean), naam=frame[gemeentenaam])
    is_gemeente = frame["code"].map(lambda c: codes.is_valid(c) and codes.niveau(c) == "gemeente")
    if not is_gemeente.any():
        raise SourceError(f"CBS table {tabel} lists no gemeenten.", "Try again later, or build from files with --bron bestanden.")
    return frame.loc[is_gemeente, ["code", "naam"]].sort_values("code").reset_index(drop=True)


def load_statistieken(jaar: int, gemeentecodes: list[str]) -> tuple[pd.DataFrame, Normalisatie, dict]:
    """The KWB figures of the gemeenten, their wijken and their buurten in ``jaar``, as canonical rows.

    Parameters
    ----------
    jaar
        The year; it selects the table (``KWB_TABELLEN``).
    gemeentecodes
        Gemeente codes (``GM0505``, ``0505``, ``505``); validated before any request.

    Returns
    -------
    (rows, normalisatie, info)
        The canonical rows (see ``kaart.normaliseren``), what normalising did,
        and the source description for the kaart's metadata.

    Raises
    ------
    InputError
        For an unsupported year, a malformed code, or a gemeente the table does not have.
    NetworkError, SourceError
        When CBS cannot be reached or answers unexpectedly.
    """
    tabel = kwb_tabel(jaar)
    gevraagd = list(dict.fromkeys(codes.gemeente(c) for c in gemeentecodes))
    if not gevraagd:
        raise InputError("No gemeente given.", "Name at least one gemeente code, e.g. GM0505.")
    codering, gemeentenaam, statistieken = _keys(tabel)
    frame = download_tabel(tabel, select=[DIMENSIE, gemeentenaam, codering, *statistieken],
                           filters=region_filter(gevraagd))
    if frame.empty:
        raise _unknown_gemeenten(gevraagd, tabel, jaar)
    rows, report = normalise(frame, bron=f"CBS {tabel}", jaar=jaar)
    # The filter should already have done this; it costs nothing to be sure no other region slips in.
    in_region = rows["gemeentecode"].isin(gevraagd)
    if not in_region.all():
        log.warning("CBS %s: %d rows outside the requested gemeenten left out", tabel, int((~in_region).sum()))
        rows = rows.loc[in_region].reset_index(drop=True)
    missing = [c for c in gevraagd if c not in set(rows["gemeentecode"])]
    if missing:
        raise _unknown_gemeenten(missing, tabel, jaar)
    info = {
        "bron": BRON,
        "tabel": tabel,
        "jaar": jaar,
        "url": API_URL.format(tabel=tabel),
        "opgehaald": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rijen": len(rows),
    }
    return rows, report, info


def load_nederland(jaar: int) -> pd.Series | None:
    """CBS's own figures for the Netherlands as a whole (the table's ``NL00`` row), canonical names.

    The reference every area is compared with. ``None`` when the table has no
    such row, so a build goes on without a national comparison instead of failing.
    """
    tabel = kwb_tabel(jaar)
    codering, _, statistieken = _keys(tabel)
    frame = download_tabel(tabel, select=[codering, *statistieken], filters="startswith(WijkenEnBuurten,'NL')")
    frame = frame[frame[codering].astype(str).str.upper().str.startswith("NL")]
    if frame.empty:
        log.warning("CBS %s has no row for the Netherlands; no national comparison", tabel)
        return None
    mapping = statistics_mapping(statistieken)
    row = frame.iloc[[0]]
    return pd.Series({naam: to_number(row[bron])[0].iloc[0] for bron, naam in mapping.items()}, name="NL00")


def region_filter(gemeentecodes: list[str]) -> str:
    """The OData filter for the gemeenten, their wijken and their buurten.

    Every code is validated again here, so the only text that can reach the
    query is ``GM`` followed by four digits.

    Raises
    ------
    InputError
        For a value that is not a gemeente code.
    """
    parts = []
    for code in gemeentecodes:
        nummer = codes.gemeente(code)[2:]
        parts += [f"startswith({DIMENSIE},'{prefix}{nummer}')" for prefix in ("GM", "WK", "BU")]
    return " or ".join(parts)


def _keys(tabel: str) -> tuple[str, str, list[str]]:
    """The year-specific keys of a KWB table: Codering, Gemeentenaam and the statistics the engine knows.

    Only Topic properties are columns of the TypedDataSet; the statistics are
    those ``kaart/kolommen.toml`` maps (the first key wins when two map to one column).
    """
    with _cbs_errors(tabel):
        properties = cbsodata.get_meta(tabel, "DataProperties", timeout=TIMEOUT)
        topics = [p["Key"] for p in properties if p.get("Type") == "Topic"]
        dimensions = {p["Key"] for p in properties if "Dimension" in str(p.get("Type"))}
    by_name = {_SUFFIX.sub("", key).lower(): key for key in reversed(topics)}
    codering, gemeentenaam = by_name.get("codering"), by_name.get("gemeentenaam")
    statistieken = list(statistics_mapping(topics))
    if DIMENSIE not in dimensions or codering is None or gemeentenaam is None or not statistieken:
        raise SourceError(
            f"CBS table {tabel} does not have the layout of a Kerncijfers wijken en buurten table "
            f"(dimension {DIMENSIE}, Codering, Gemeentenaam and known statistics).",
            "Check the table id in KWB_TABELLEN (layers/cbs.py) and the aliases in kaart/kolommen.toml.",
        )
    return codering, gemeentenaam, statistieken


def _unknown_gemeenten(missing: list[str], tabel: str, jaar: int) -> InputError:
    return InputError(
        f"CBS table {tabel} ({jaar}) has no rows for {', '.join(missing)}.",
        f"Check that the gemeente existed in {jaar}: gemeenten merge and their codes change.",
    )


def _cbs_errors(tabel: str):
    """CBS's failures in the user's terms (see layers._http)."""
    return http_errors("CBS", "opendata.cbs.nl", f"table {tabel}", TIMEOUT[1],
                       fix_404="Check the table id in KWB_TABELLEN (layers/cbs.py).")
