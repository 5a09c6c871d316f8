"""CBS Kerncijfers Wijken en Buurten through CBS's OData v4 (``datasets.cbs.nl/odata/v1/CBS/<id>``).

CBS is moving its open data to OData v4, which ``cbsodata`` does not speak. v4
serves a table in long form: one ``Observations`` row per area and measure
(``Measure``, ``WijkenEnBuurten``, ``Value``), measures with stable codes in
``MeasureCodes`` (grouped in ``MeasureGroups``), areas with their names in
``WijkenEnBuurtenCodes``; codes are not padded, pages are linked by
``@odata.nextLink``. This module asks for only the region's areas and the
measures the engine knows and pivots them to one row per area, so
``layers.cbs`` hands the same canonical rows to ``kaart.normaliseren`` as from v3.
A measure becomes a canonical column through its title (``layers._odata``).
"""

from __future__ import annotations

import pandas as pd
import requests

from kaart import codes
from kaart.errors import SourceError
from layers import _odata
from layers._odata import MAX_URL, Metadata, Onderwerp, pages, splits

API_URL = "https://datasets.cbs.nl/odata/v1/CBS/{tabel}"
VOLGENDE = "@odata.nextLink"


class FeedV4:
    """One KWB table on CBS's OData v4 service."""

    versie = "v4"

    def __init__(self, tabel: str, session: requests.Session):
        self.tabel, self.session = tabel, session
        self.url = API_URL.format(tabel=tabel)

    def _rows(self, collectie: str, params: dict | None = None) -> list[dict]:
        return list(pages(self.session, f"{self.url}/{collectie}", params, volgende=VOLGENDE,
                          wat=f"table {self.tabel} (OData v4 {collectie})"))

    def metadata(self) -> Metadata:
        """The table's measures with the titles of their groups (MeasureCodes and MeasureGroups, once each)."""
        measures = self._rows("MeasureCodes")
        groups = {g.get("Id"): g for g in self._rows("MeasureGroups")}
        onderwerpen = []
        for m in measures:
            if not m.get("Identifier") or not m.get("Title") or str(m.get("DataType", "")).lower() == "string":
                continue
            onderwerpen.append(Onderwerp(sleutel=m["Identifier"], stam=_odata.stam(m["Title"]),
                                         titel=m["Title"].strip(),
                                         groepen=_odata.groepen(groups, m.get("MeasureGroupId"), ouder="ParentId"),
                                         eenheid=str(m.get("Unit") or "")))
        meta = Metadata(self.tabel, onderwerpen, _odata.kolommen(onderwerpen))
        if not meta.kolommen:
            raise SourceError(f"CBS table {self.tabel} (OData v4) has no measure the project knows.",
                              "Check the table id (--tabel) and the aliases in kaart/definities/kolommen.toml.")
        return meta

    def gemeenten(self, meta: Metadata) -> pd.DataFrame:
        rows = self._rows("WijkenEnBuurtenCodes", {"$filter": "startswith(Identifier,'GM')",
                                                   "$select": "Identifier,Title"})
        return pd.DataFrame({"code": [codes.clean(r.get("Identifier")) for r in rows],
                             "naam": [(r.get("Title") or "").strip() for r in rows]})

    def gebieden(self, meta: Metadata, gemeentecodes: list[str]) -> pd.DataFrame:
        """One row per area of the gemeenten: ``code``, ``naam``, ``gemeentenaam`` and a column per measure."""
        termen = [" or ".join(f"startswith(Identifier,'{p}{c[2:]}')" for p in ("GM", "WK", "BU"))
                  for c in gemeentecodes]
        namen: dict[str, str] = {}
        for params in splits(f"{self.url}/WijkenEnBuurtenCodes", {"$select": "Identifier,Title"}, termen,
                             lambda t: {"$filter": " or ".join(t)}):
            namen.update({codes.clean(r.get("Identifier")): (r.get("Title") or "").strip()
                          for r in self._rows("WijkenEnBuurtenCodes", params)})
        gebieden = [t.replace("Identifier", "WijkenEnBuurten") for t in termen]
        frame = self._observations(meta, gebieden)
        frame["naam"] = frame["code"].map(namen)
        gemeentenamen = {c: n for c, n in namen.items() if c and c.startswith("GM")}
        frame["gemeentenaam"] = frame["code"].map(lambda c: gemeentenamen.get(codes.gemeentecode(c))
                                                  if codes.is_valid(c) else None)
        return frame

    def nederland(self, meta: Metadata) -> dict | None:
        frame = self._observations(meta, ["WijkenEnBuurten eq 'NL00'"])
        return None if frame.empty else frame.iloc[0].to_dict()

    def _observations(self, meta: Metadata, gebieden: list[str]) -> pd.DataFrame:
        """The observations of the known measures in the areas, pivoted to one row per area."""
        url = f"{self.url}/Observations"
        base = {"$select": "Measure,WijkenEnBuurten,Value"}
        observaties = []
        for maat in splits(url, base, list(meta.kolommen),
                           lambda m: {"$filter": "(" + " or ".join(f"Measure eq '{k}'" for k in m) + ")"},
                           limit=MAX_URL // 2):
            voor = maat["$filter"]
            for params in splits(url, base, gebieden, lambda t: {"$filter": f"{voor} and ({' or '.join(t)})"}):
                observaties += self._rows("Observations", params)
        long = pd.DataFrame(observaties, columns=["Measure", "WijkenEnBuurten", "Value"])
        long = long[long["Measure"].isin(meta.kolommen.keys())]
        long["code"] = long["WijkenEnBuurten"].map(codes.clean)
        if long.duplicated(["code", "Measure"]).any():
            raise SourceError(f"CBS table {self.tabel} (OData v4) sent one measure twice for one area.",
                              "Try again later, or use --odata v3.")
        wide = long.pivot(index="code", columns="Measure", values="Value")
        wide = wide.reindex(columns=list(meta.kolommen))
        return wide.rename_axis(columns=None).reset_index()
