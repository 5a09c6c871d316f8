"""Whether an afspraak with a target on an indicator is being reached: its baseline, every later year, a status.

A prestatieafspraak ("van 22,6% naar 18% in 2028") is monitored against the
kaart's series of its area (``kaart.reeksen``). The status follows one written
rule, shown beside it, so a council can check it by hand:

- **gehaald**: the newest figure has reached the target (at or past it, in the
  direction from baseline to target);
- **op koers**: not yet, but at least as far along as the straight line from the
  baseline (year and value) to the target (its year) is in that year; without a
  target year: moved from the baseline towards the target;
- **achter**: otherwise;
- **nog geen nieuwer cijfer**: the kaart has no year after the baseline yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kaart.getallen import weergave

GEHAALD, OP_KOERS, ACHTER, GEEN_NIEUWER = "gehaald", "op koers", "achter", "nog geen nieuwer cijfer"


@dataclass(frozen=True)
class Voortgang:
    """An afspraak's baseline, the later figures (year, value, how it was made), its status and the rule."""

    basisjaar: int
    basiswaarde: float
    doelwaarde: float
    doeljaar: int | None
    later: list[tuple[int, float, str]]
    status: str
    regel: str
    """The rule applied, in Dutch with this afspraak's numbers: how the status follows from the figures."""


def voortgang(basisjaar: int, basiswaarde: float, doelwaarde: float, doeljaar: int | None,
              reeks: pd.DataFrame, eenheid: str = "") -> Voortgang:
    """The progress of one afspraak from the series of its area and indicator (``reeks``: index ``jaar``,
    columns ``waarde`` and ``status``, as ``kaart.reeksen.reeks`` gives it)."""
    later = [(int(j), float(r.waarde), str(r.status)) for j, r in reeks.sort_index().iterrows()
             if int(j) > basisjaar and pd.notna(r.waarde)]

    def tekst(v: float) -> str:
        return weergave(v, eenheid)

    richting = 1.0 if doelwaarde >= basiswaarde else -1.0
    if not later:
        return Voortgang(basisjaar, basiswaarde, doelwaarde, doeljaar, later, GEEN_NIEUWER,
                         f"Het basiscijfer is van {basisjaar}; er is nog geen cijfer van een later jaar.")
    jaar, nu, _ = later[-1]
    doel = f"het doel van {tekst(doelwaarde)}"
    if richting * (nu - doelwaarde) >= 0:
        return Voortgang(basisjaar, basiswaarde, doelwaarde, doeljaar, later, GEHAALD,
                         f"Gehaald: in {jaar} is het {tekst(nu)}, {doel} is bereikt.")
    if doeljaar and doeljaar > basisjaar:
        deel = min(1.0, (jaar - basisjaar) / (doeljaar - basisjaar))
        lijn = basiswaarde + deel * (doelwaarde - basiswaarde)
        op_koers = richting * (nu - lijn) >= 0
        regel = (f"{'Op koers' if op_koers else 'Achter'}: in {jaar} is het {tekst(nu)}; op de rechte lijn van "
                 f"{tekst(basiswaarde)} in {basisjaar} naar {tekst(doelwaarde)} in {doeljaar} hoort bij {jaar} "
                 f"{tekst(lijn)}.")
    else:
        op_koers = richting * (nu - basiswaarde) > 0
        regel = (f"{'Op koers' if op_koers else 'Achter'}: in {jaar} is het {tekst(nu)}, tegen {tekst(basiswaarde)} "
                 f"in {basisjaar}; {doel} ligt {'lager' if richting < 0 else 'hoger'} en er is geen doeljaar.")
    return Voortgang(basisjaar, basiswaarde, doelwaarde, doeljaar, later, OP_KOERS if op_koers else ACHTER, regel)
