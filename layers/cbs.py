"""Statistics from the CBS Kerncijfers Wijken en Buurten (KWB) tables, through CBS's OData feeds.

CBS publishes one KWB table per year, each with its own id and its own numeric
suffixes on the column keys (``AantalInwoners_5``). A :class:`Kwb` is one table
for one build: it reads the table's metadata once (v3: only DataProperties),
asks for only the region's rows (server-side ``$filter``), only the columns
the engine knows (``$select``) and only the region's names (v3: the
WijkenEnBuurten dimension filtered on the region's keys, never all of it), in as many requests as keep every URL below
``layers._odata.MAX_URL`` characters, follows the feed's next links, and hands
canonical rows to ``kaart.normaliseren``. Gemeente codes are validated before
they are put into a filter, so no user text reaches a query. Where the table has
CBS's change code of each area (``indelingswijziging``: 1 unchanged since the year
before, 2 new code with the same boundary, 3 boundary changed), the rows carry it,
so a range of years can tell a redrawn area from an unchanged one (``layers.cbs_pdok``).

OData v3 (``opendata.cbs.nl/ODataFeed``, :class:`FeedV3` here) is the default;
v4 (``layers.cbs_v4``) is chosen with ``odata="v4"``, and used by itself when v3
answers that the table is not (or no longer) published. Both give the same rows.
``cbsodata`` is not used for KWB tables: its ``get_data`` downloads every
metadata collection, the whole WijkenEnBuurten dimension (~18,000 rows)
included, on every call.

Every failure becomes a :class:`kaart.errors.NetworkError` (CBS unreachable) or
:class:`kaart.errors.SourceError` (CBS answered, but not with what we need),
naming the cause (see ``layers._http``).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

import pandas as pd
import requests

from kaart import codes
from kaart.errors import InputError, SourceError
from kaart.normaliseren import Normalisatie, normalise
from kaart.waarden import to_number
from layers import _odata
from layers._http import NotPublished, http_errors
from layers._odata import TIMEOUT, Metadata, Onderwerp, pages, splits
from layers.cbs_v4 import FeedV4

log = logging.getLogger(__name__)

KWB_TABELLEN = {
    2017: "83765NED",
    2018: "84286NED",
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
FEED_URL = "https://opendata.cbs.nl/ODataFeed/odata/{tabel}"
VERSIES = ("auto", "v3", "v4")
"""``auto``: v3, and v4 when v3 says the table is not published."""
DIMENSIE = "WijkenEnBuurten"
"""The area dimension; in v3 its keys are the padded codes ("GM0505    ") the filter matches on."""
_TABEL_ID = re.compile(r"^\d{5}[A-Z]{3}$")
INDELINGSWIJZIGING = "indelingswijziging"
"""The column of CBS's code for how an area changed since the year before (1 unchanged, 2 new code with the
same boundary, 3 boundary changed): ``IndelingswijzigingWijkenEnBuurten`` up to 2023,
``IndelingswijzigingGemeenteWijkBuurt`` from 2024 on; a text topic, so v3 only (v4 reads numbers)."""


def kwb_tabel(jaar: int, tabel: str | None = None) -> str:
    """The id of the KWB table of ``jaar``, or ``tabel`` when one is given (checked to look like a CBS id).

    Raises
    ------
    InputError
        For a year the project knows no table of (the message names ``--tabel``), or a malformed id.
    """
    if tabel is not None:
        tabel = tabel.strip().upper()
        if not _TABEL_ID.match(tabel):
            raise InputError(f"'{tabel}' is not a CBS table id.", "Give one like 86165NED (five digits and NED).")
        return tabel
    try:
        return KWB_TABELLEN[jaar]
    except KeyError:
        raise InputError(
            f"The project knows no CBS Kerncijfers wijken en buurten table for {jaar} "
            f"(it knows {min(KWB_TABELLEN)}-{max(KWB_TABELLEN)}).",
            "Pass the table's id with --tabel ID (find it on opendata.cbs.nl), e.g. --tabel 86165NED.",
        ) from None


class FeedV3:
    """One KWB table on CBS's OData v3 feed (``opendata.cbs.nl/ODataFeed``)."""

    versie = "v3"

    def __init__(self, tabel: str, session: requests.Session):
        self.tabel, self.session = tabel, session
        self.url = FEED_URL.format(tabel=tabel)
        self.gemeentenaam: str | None = None
        self.indelingswijziging: str | None = None

    def _rows(self, collectie: str, params: dict | None = None) -> list[dict]:
        return list(pages(self.session, f"{self.url}/{collectie}", {"$format": "json", **(params or {})},
                          volgende="odata.nextLink", wat=f"table {self.tabel}"))

    def metadata(self) -> Metadata:
        """The table's topics, from DataProperties (the one metadata collection needed).

        Raises
        ------
        SourceError
            When the table lacks the KWB layout: the area dimension (of any dimension
            type: 2024 calls it ``GeoDetail``), a Gemeentenaam topic and known statistics.
        """
        properties = self._rows("DataProperties")
        groepen = {p.get("ID"): p for p in properties if p.get("Type") == "TopicGroup"}
        onderwerpen = []
        for p in properties:
            if p.get("Type") != "Topic" or not p.get("Key"):
                continue
            onderwerpen.append(Onderwerp(sleutel=p["Key"], stam=_odata.key_stam(p["Key"]),
                                         titel=str(p.get("Title", "")).strip(),
                                         groepen=_odata.groepen(groepen, p.get("ParentID")),
                                         eenheid=str(p.get("Unit") or "")))
        dimensie = any(p.get("Key") == DIMENSIE and p.get("Type") not in ("Topic", "TopicGroup") for p in properties)
        self.gemeentenaam = next((o.sleutel for o in onderwerpen if o.stam.lower() == "gemeentenaam"), None)
        self.indelingswijziging = next((o.sleutel for o in onderwerpen
                                        if o.stam.lower().startswith("indelingswijziging")), None)
        meta = Metadata(self.tabel, onderwerpen, _odata.kolommen(onderwerpen))
        if not dimensie or self.gemeentenaam is None or not meta.kolommen:
            raise SourceError(
                f"CBS table {self.tabel} does not have the layout of a Kerncijfers wijken en buurten table "
                f"(dimension {DIMENSIE}, a Gemeentenaam topic and known statistics).",
                "Check the table id (--tabel, or KWB_TABELLEN in layers/cbs.py) and the aliases in "
                "kaart/definities/kolommen.toml.",
            )
        return meta

    def gemeenten(self, meta: Metadata) -> pd.DataFrame:
        rows = self._rows("TypedDataSet", {"$filter": f"startswith({DIMENSIE},'GM')",
                                           "$select": f"{DIMENSIE},{self.gemeentenaam}"})
        return pd.DataFrame({"code": [codes.clean(r.get(DIMENSIE)) for r in rows],
                             "naam": [(r.get(self.gemeentenaam) or "").strip() for r in rows]})

    def gebieden(self, meta: Metadata, gemeentecodes: list[str]) -> pd.DataFrame:
        """One row per area of the gemeenten: ``code``, ``naam``, ``gemeentenaam`` and a column per topic.

        The names come from the WijkenEnBuurten dimension, asked for only the
        region's keys; the rest of the dimension is never fetched.
        """
        termen = [" or ".join(f"startswith({DIMENSIE},'{p}{c[2:]}')" for p in ("GM", "WK", "BU"))
                  for c in gemeentecodes]
        frame = self._typed(meta, termen)
        namen: dict[str, str] = {}
        for params in splits(f"{self.url}/{DIMENSIE}", {"$format": "json", "$select": "Key,Title"},
                             [t.replace(DIMENSIE, "Key") for t in termen], lambda t: {"$filter": " or ".join(t)}):
            namen.update({codes.clean(r.get("Key")): (r.get("Title") or "").strip()
                          for r in self._rows(DIMENSIE, {k: v for k, v in params.items() if k != "$format"})})
        frame["naam"] = frame["code"].map(namen)
        return frame

    def nederland(self, meta: Metadata) -> dict | None:
        frame = self._typed(meta, [f"startswith({DIMENSIE},'NL')"])
        frame = frame[frame["code"].astype(str).str.startswith("NL")]
        return None if frame.empty else frame.iloc[0].to_dict()

    def _typed(self, meta: Metadata, termen: list[str]) -> pd.DataFrame:
        """TypedDataSet rows of the known topics in the areas of ``termen``, columns split over requests
        when one ``$select`` would make the URL too long, and joined again on the area key."""
        url = f"{self.url}/TypedDataSet"
        vast = [DIMENSIE, self.gemeentenaam, *([self.indelingswijziging] if self.indelingswijziging else [])]
        rijen: dict[str, dict] = {}
        for select in splits(url, {"$format": "json"}, list(meta.kolommen),
                             lambda k: {"$select": ",".join(vast + k)}, limit=_odata.MAX_URL // 2):
            for params in splits(url, select, termen, lambda t: {"$filter": " or ".join(t)}):
                for row in self._rows("TypedDataSet", {k: v for k, v in params.items() if k != "$format"}):
                    rijen.setdefault(codes.clean(row.get(DIMENSIE)), {}).update(row)
        frame = pd.DataFrame(list(rijen.values()), columns=vast + list(meta.kolommen))
        frame.insert(0, "code", frame[DIMENSIE].map(codes.clean))
        frame["gemeentenaam"] = frame.pop(self.gemeentenaam).map(lambda v: v.strip() if isinstance(v, str) else v)
        if self.indelingswijziging:
            frame[INDELINGSWIJZIGING] = frame.pop(self.indelingswijziging)
        return frame.drop(columns=DIMENSIE)


class Kwb:
    """One KWB table for one build: its metadata is read once, whatever is asked of it.

    Parameters
    ----------
    jaar
        The year of the figures; it selects the table unless ``tabel`` is given.
    tabel
        A CBS table id, for a year the project does not know yet (``--tabel``).
    odata
        ``auto`` (v3, and v4 when v3 says the table is not published), ``v3`` or ``v4``.
    """

    def __init__(self, jaar: int, tabel: str | None = None, odata: str = "auto",
                 session: requests.Session | None = None):
        if odata not in VERSIES:
            raise InputError(f"Unknown OData version '{odata}'.", f"Choose one of {', '.join(VERSIES)}.")
        self.jaar, self.tabel, self.odata = jaar, kwb_tabel(jaar, tabel), odata
        self.session = session or _odata.sessie()
        self._feed: FeedV3 | FeedV4 | None = None
        self._meta: Metadata | None = None

    @property
    def feed(self) -> FeedV3 | FeedV4:
        """The feed that serves the table, its metadata read (once)."""
        if self._feed is None:
            self._feed, self._meta = self._open()
        return self._feed

    @property
    def meta(self) -> Metadata:
        self.feed
        return self._meta

    def _open(self) -> tuple[FeedV3 | FeedV4, Metadata]:
        if self.odata == "v4":
            return self._open_v4()
        feed = FeedV3(self.tabel, self.session)
        try:
            return feed, feed.metadata()
        except NotPublished as err:
            if self.odata == "v3":
                raise
            log.warning("CBS's OData v3 feed has no table %s (%s); trying OData v4", self.tabel, err.problem)
            return self._open_v4(v3_gone=True)

    def _open_v4(self, v3_gone: bool = False) -> tuple[FeedV4, Metadata]:
        feed = FeedV4(self.tabel, self.session)
        try:
            return feed, feed.metadata()
        except NotPublished as err:
            if not v3_gone:
                raise
            raise NotPublished(f"CBS publishes no table {self.tabel}, neither in OData v3 nor in v4.",
                               "Check the table id: pass a published one with --tabel ID.") from err

    @property
    def versie(self) -> str:
        """The OData version the table is read through (``v3`` or ``v4``)."""
        return self.feed.versie

    def gemeenten(self) -> pd.DataFrame:
        """All gemeenten of the table, to resolve names users type to codes.

        Returns
        -------
        DataFrame
            Columns ``code`` (``GM0505``) and ``naam`` (``Dordrecht``), sorted by code.
        """
        frame = self.feed.gemeenten(self.meta)
        # The code, not the filter, decides what is a gemeente: a server that ignored
        # the filter must not turn wijken into gemeenten.
        is_gemeente = frame["code"].map(lambda c: codes.is_valid(c) and codes.niveau(c) == "gemeente").astype(bool)
        if not is_gemeente.any():
            raise SourceError(f"CBS table {self.tabel} lists no gemeenten.",
                              "Try again later, or build from files with --bron bestanden.")
        return frame.loc[is_gemeente, ["code", "naam"]].sort_values("code").reset_index(drop=True)

    def statistieken(self, gemeentecodes: list[str]) -> tuple[pd.DataFrame, Normalisatie, dict]:
        """The KWB figures of the gemeenten, their wijken and their buurten, as canonical rows.

        Parameters
        ----------
        gemeentecodes
            Gemeente codes (``GM0505``, ``0505``, ``505``); validated before any request.

        Returns
        -------
        (rows, normalisatie, info)
            The canonical rows (see ``kaart.normaliseren``; with the column ``indelingswijziging``
            where the table has CBS's change code), what normalising did, and the source
            description for the kaart's metadata.

        Raises
        ------
        InputError
            For a malformed code, or a gemeente the table does not have.
        NetworkError, SourceError
            When CBS cannot be reached or answers unexpectedly.
        """
        gevraagd = list(dict.fromkeys(codes.gemeente(c) for c in gemeentecodes))
        if not gevraagd:
            raise InputError("No gemeente given.", "Name at least one gemeente code, e.g. GM0505.")
        frame = self.feed.gebieden(self.meta, gevraagd)
        if frame.empty:
            raise self._unknown(gevraagd)
        wijziging = frame.pop(INDELINGSWIJZIGING) if INDELINGSWIJZIGING in frame else None
        canoniek = frame.rename(columns=self.meta.kolommen).rename(
            columns={"code": "Codering", "naam": DIMENSIE, "gemeentenaam": "Gemeentenaam"})
        rows, report = normalise(canoniek, bron=f"CBS {self.tabel}", jaar=self.jaar)
        report.kolommen = dict(self.meta.kolommen)
        # The filter should already have done this; it costs nothing to be sure no other region slips in.
        in_region = rows["gemeentecode"].isin(gevraagd)
        if not in_region.all():
            log.warning("CBS %s: %d rows outside the requested gemeenten left out", self.tabel,
                        int((~in_region).sum()))
            rows = rows.loc[in_region].reset_index(drop=True)
        missing = [c for c in gevraagd if c not in set(rows["gemeentecode"])]
        if missing:
            raise self._unknown(missing)
        if wijziging is not None:
            per_code = pd.Series(to_number(wijziging)[0].to_numpy(), index=frame["code"].to_numpy())
            rows[INDELINGSWIJZIGING] = rows["code"].map(per_code[~per_code.index.duplicated()])
        info = {
            "bron": BRON,
            "tabel": self.tabel,
            "jaar": self.jaar,
            "odata": self.versie,
            "url": self.feed.url,
            "opgehaald": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "rijen": len(rows),
        }
        return rows, report, info

    def nederland(self) -> pd.Series | None:
        """CBS's own figures for the Netherlands as a whole (the table's ``NL00`` row), canonical names.

        The reference every area is compared with. ``None`` when the table has no
        such row, so a build goes on without a national comparison instead of failing.
        """
        row = self.feed.nederland(self.meta)
        if row is None:
            log.warning("CBS %s has no row for the Netherlands; no national comparison", self.tabel)
            return None
        return pd.Series({naam: to_number(pd.Series([row.get(sleutel)]))[0].iloc[0]
                          for sleutel, naam in self.meta.kolommen.items()}, name="NL00")

    def _unknown(self, missing: list[str]) -> InputError:
        return InputError(
            f"CBS table {self.tabel} ({self.jaar}) has no rows for {', '.join(missing)}.",
            f"Check that the gemeente existed in {self.jaar}: gemeenten merge and their codes change.",
        )


def download_tabel(tabel: str, *, select: list[str] | None = None, filters: str | None = None) -> pd.DataFrame:
    """Download (part of) the TypedDataSet of a CBS OData v3 table as a frame, text padding removed.

    For small tables such as *Gebieden in Nederland* (``layers.regio_indelingen``).
    CBS right-pads text cells (``"GM0505    "``); they are stripped here so that
    every caller compares clean codes and names.

    Parameters
    ----------
    tabel
        The CBS table id, e.g. ``85385NED``.
    select
        The columns to fetch; all when ``None``.
    filters
        An OData ``$filter`` expression. Build it from validated values only.

    Raises
    ------
    NetworkError, SourceError
        When CBS cannot be reached or answers with an error or not with OData JSON.
    """
    params = {"$format": "json"}
    if select:
        params["$select"] = ",".join(select)
    if filters:
        params["$filter"] = filters
    records = list(pages(_odata.sessie(), f"{FEED_URL.format(tabel=tabel)}/TypedDataSet", params,
                         volgende="odata.nextLink", wat=f"table {tabel}"))
    frame = pd.DataFrame.from_records(records, columns=select)
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or pd.api.types.is_object_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) else v)
    return frame


def _cbs_errors(tabel: str):
    """CBS's failures in the user's terms (see layers._http), for callers that use ``cbsodata`` itself."""
    return http_errors("CBS", "opendata.cbs.nl", f"table {tabel}", TIMEOUT[1],
                       fix_404="Check the table id in GEBIEDEN_TABELLEN or pass a published one.")
