"""The verdeelsleutel: how many units of a regional task (Housing First homes, beschermd-wonenplekken,
...) each gemeente of a region takes, per year and over several years.

Why it is built this way:

- **Base shares.** A gemeente's share is its part of the region's base (households, inhabitants or
  social rental stock): the key regions actually agree on.
- **Correction for existing zorgdruk.** Under the Wet versterking regie volkshuisvesting the region
  strives for an even spread of aandachtsgroepen, so a gemeente that already carries many places
  takes fewer new ones. With ``r_i`` the existing places per 1,000 units of the base and ``r`` the
  regional rate (all places over the whole base, i.e. the base-weighted average), the weight is
  ``w_i = basis_i * max(0, 1 - s * (r_i / r - 1))`` for a strength ``s`` from 0 (none) to 1. The
  weights of the unclamped gemeenten add up to the regional base again, so (without bounds) a
  gemeente at the regional rate keeps its share, one above it gets less and one below it gets more;
  the share only ever moves against a gemeente's own zorgdruk and with its own base.
- **Whole numbers.** Exact quotas become whole units by the largest-remainder (Hamilton) method, so
  every gemeente gets its quota rounded down or up and the total is exactly N. Minimums and
  maximums bound the quota first (the rest is spread over the others by their weights, as
  water-filling), so bounded gemeenten get their bound and the rest stays within one of its quota.
  When every gemeente with weight is at its maximum, the rest goes over those without weight by
  their base, and only when all gemeenten with a base are full over those without (levelled, as
  water-filling with equal weights): a rest never lands "in equal parts" on a gemeente without base
  while one with a base has room. N is at most ``MAX_AANTAL``, so every quota is exact as a float too.
  The arithmetic is exact (fractions): a tie or a sum never depends on float rounding.
- **Monotone, by construction.** With the correction on, the allocation without correction bounds
  the exact quota: a gemeente above the regional rate (factor < 1) takes at most the units it gets
  without correction (over J years, divided by J), one below it (factor > 1) at least those. Without
  this a maximum broke the promise: once the gemeenten below the rate were full, the rest went to
  the weightless ones, i.e. to the gemeenten the correction had taken to 0 because they carry the
  most zorgdruk. Bounding by the rounded units rather than the plain exact quota is what lets plain
  largest remainder keep the promise (a quota at or above a whole number never rounds below it);
  rounding bounds on top of the Hamilton rule can contradict each other. These bounds never make the
  allocation impossible (the one without correction meets them); they only make the correction do
  less, and move the exact quota a little towards the units without correction, when bounds or
  rounding bind. So a gemeente above the regional rate never gets more units than without the
  correction, one below it never fewer; a gemeente exactly at the rate, or without base, is neither.
  What does not hold once bounds bind is the weights adding up to the base, so then a gemeente at
  the regional rate need not keep its share.
- **Several years.** Totals over J years are apportioned from J times the quota, so each gemeente's
  total is within one unit of J x quota; those totals are then spread over the years by carrying
  each gemeente's remainder forward (the largest outstanding remainder gets the next extra unit),
  so every year stays within one unit of the quota and every year sums to N.

No Flask here: the CLI and the web page call :func:`verdeel` and get the same table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import floor

import pandas as pd

from kaart import codes
from kaart.errors import InputError
from kaart.getallen import getal, kort

from kaart.kaartbestand import Kaart

BASISSEN = {
    "huishoudens": "huishoudens",
    "inwoners": "inwoners",
    "sociale_huur": "sociale huurwoningen (woningen x aandeel corporatiewoningen)",
}
"""The bases a key can use, with the words the page and the CLI show."""
ZORGDRUK = "zorgdruk_plaatsen"
"""Existing places of beschermd wonen, opvang and special housing per gemeente (the voorzieningen import)."""
MAX_JAREN = 30
MAX_AANTAL = 1_000_000
"""The most units a year (and the highest bound): far above any regional task, and low enough that a quota
and its float in the table are the same number (floats hold whole numbers exactly only up to 2**53)."""
INDELINGEN = "regio_indelingen"
"""The kaart table with gemeente -> region rows (layers/regio_indelingen.py)."""
REGIOSOORTEN = {
    "woningmarktregio": "woningmarktregio",
    "zorgkantoorregio": "zorgkantoorregio",
    "centrumgemeente_bw_mo": "centrumgemeente beschermd wonen / maatschappelijke opvang",
    "ggd_regio": "GGD-regio",
    "arbeidsmarktregio": "arbeidsmarktregio",
    "wmo_regio": "WMO-regio",
    "jeugdzorgregio": "jeugdzorgregio",
    "veiligheidsregio": "veiligheidsregio",
}
"""The kinds of regio-indeling a kaart can hold (``layers.regio_indelingen`` reads them), with the words the
user sees; a plan names the one its region follows."""

Grens = int | Mapping[str, int] | None
"""A minimum or maximum: one number for every gemeente, per gemeente code, or none."""


def formule(correctie: float, basis: str = "huishoudens", grenzen: bool = False) -> str:
    """The key in words, as the page and the CLI print it under the table (``grenzen``: with a minimum or
    maximum, which then also says where the rest goes)."""
    woorden = BASISSEN.get(basis, basis)
    tekst = f"Elke gemeente krijgt een aandeel naar rato van haar {woorden} in de regio. "
    if correctie > 0:
        tekst += (f"Dat aandeel wordt gecorrigeerd voor de bestaande zorgdruk: het aantal bestaande plaatsen "
                  f"(beschermd wonen, opvang, bijzondere woonvormen) per 1.000 {woorden} wordt vergeleken met "
                  f"het regiogemiddelde. Correctiefactor = 1 − {kort(correctie)} × (eigen cijfer / "
                  f"regiogemiddelde − 1), nooit onder 0: een gemeente boven het gemiddelde krijgt minder, "
                  f"een gemeente eronder meer. ")
    tekst += ("Het exacte quotum (taak × aandeel) wordt afgerond met de methode van de grootste overschotten, "
              "zodat het totaal precies klopt en elke gemeente haar quotum naar beneden of naar boven afgerond "
              "krijgt. Over meer jaren schuiven de overschotten door, zodat het totaal over de jaren binnen één "
              "eenheid van het aantal jaren × het quotum blijft.")
    if grenzen:
        tekst += (" Minimums en maximums gaan voor; wat een gemeente aan haar maximum niet kan nemen, gaat naar "
                  "rato van de aandelen naar de gemeenten die nog ruimte hebben.")
    if correctie > 0:
        tekst += (" Een gemeente boven het regiogemiddelde krijgt met de correctie nooit meer eenheden dan "
                  "zonder, een gemeente eronder nooit minder.")
        if grenzen:
            tekst += (" Dat geldt ook als een minimum of maximum knelt: dan doet de correctie minder, en gaat "
                      "een rest nooit naar een gemeente boven het gemiddelde als zij daardoor meer zou krijgen "
                      "dan zonder correctie.")
    return tekst


def _kort(x) -> str:
    """A value for an error message, the Dutch way (``2.000.000``, ``2,5``); a number of hundreds of digits
    shortened."""
    try:
        tekst = str(x)
    except ValueError:  # an int beyond Python's 4,300 digits for str()
        return "een getal van duizenden cijfers"
    if len(tekst) > 20:
        return f"{tekst[:8]}… ({len(tekst.lstrip('-'))} cijfers)"
    return kort(x) if isinstance(x, int | float) and not isinstance(x, bool) else tekst


@dataclass
class Verdeling:
    """The result: ``tabel`` per gemeente (index code) and what it was computed from."""

    tabel: pd.DataFrame
    aantal: int
    jaren: int
    basis: str
    correctie: float
    regio: str
    formule: str
    gemiddelde: float | None
    """The regional rate of existing places per 1,000 units of the base (None without correction)."""
    minimum: Grens = None
    maximum: Grens = None
    bron: str = ""
    """The source line(s) of the figures the key used."""
    fictief: bool = False
    """The kaart is the fictitious demo region (its metadata says ``fictief``)."""

    @property
    def jaarkolommen(self) -> list[str]:
        return [f"jaar_{t}" for t in range(1, self.jaren + 1)]

    @property
    def instellingen(self) -> dict[str, object]:
        """What the allocation was made with, as columns for a download that must explain itself."""
        instellingen: dict[str, object] = {
            "instelling_regio": self.regio, "instelling_aantal_per_jaar": self.aantal,
            "instelling_jaren": self.jaren, "instelling_totaal": self.aantal * self.jaren,
            "instelling_basis": BASISSEN.get(self.basis, self.basis), "instelling_correctie": float(self.correctie),
            "instelling_minimum_per_jaar": grens_tekst(self.minimum),
            "instelling_maximum_per_jaar": grens_tekst(self.maximum), "instelling_bron": self.bron}
        if self.fictief:
            instellingen["instelling_fictief"] = FICTIEF
        return instellingen

    def tabel_met_instellingen(self) -> pd.DataFrame:
        """:attr:`tabel` with :attr:`instellingen` as columns (the same value on every row), for the CSV."""
        return self.tabel.assign(**self.instellingen)


FICTIEF = "Fictieve voorbeeldregio — geen echte gegevens."


def grens_tekst(grens: Grens) -> str:
    """A minimum or maximum in words for a download: ``geen``, ``2`` or ``GM0505=3, GM0642=1``."""
    if grens is None:
        return "geen"
    if isinstance(grens, Mapping):
        return ", ".join(f"{c}={getal(n)}" for c, n in grens.items())
    return getal(grens)


def lees_grens(tekst: str, naam: str) -> Grens:
    """A minimum or maximum as a user types it: ``2`` (every gemeente) or ``GM0505=3, GM0642=1`` (per gemeente).

    ``naam`` is ``"minimum"`` or ``"maximum"``; empty text is no bound. The values are checked by :func:`verdeel`.
    """
    delen = [d.strip() for d in tekst.split(",") if d.strip()]
    if not delen:
        return None
    try:
        if len(delen) == 1 and "=" not in delen[0]:
            return int(delen[0])
        if all("=" in d for d in delen):
            return {codes.gemeente(d.partition("=")[0]): int(d.partition("=")[2]) for d in delen}
    except ValueError:  # an InputError of an unknown code too: the form is what is wrong
        pass
    raise InputError(f"Het {naam} ‘{tekst}’ is geen getal en geen lijst als GM0505=3, GM0642=1.",
                     "Geef één aantal voor elke gemeente, of GEMEENTECODE=AANTAL per gemeente.", parameter=naam)


def verdeel(basis: pd.Series, aantal: int, *, jaren: int = 1, zorgdruk: pd.Series | None = None,
            correctie: float = 0.0, minimum: Grens = None, maximum: Grens = None,
            namen: pd.Series | None = None) -> pd.DataFrame:
    """Share ``aantal`` units a year over the gemeenten of ``basis`` for ``jaren`` years.

    Parameters
    ----------
    basis
        The base per gemeente (index: gemeente code), e.g. households. Must be known (not NA) and >= 0.
    aantal
        Units per year (N), a whole number from 0 to ``MAX_AANTAL``.
    jaren
        Number of years (J), 1 to ``MAX_JAREN``.
    zorgdruk
        Existing places per gemeente; needed when ``correctie > 0``.
    correctie
        Strength of the zorgdruk correction, 0 (none) to 1.
    minimum, maximum
        Units per gemeente per year: one number for all, or per code (others unbounded), 0 to ``MAX_AANTAL``.
    namen
        Gemeente names for the table.

    Returns
    -------
    DataFrame
        Per gemeente: ``naam``, ``basis``, ``zorgdruk``, ``zorgdruk_per_1000``, ``aandeel``,
        ``correctiefactor``, ``aandeel_gecorrigeerd``, ``quotum`` (exact, per year, after min/max and,
        with the correction, bounded by the units without it),
        ``jaar_1`` … ``jaar_J``, ``totaal``, ``totaal_zonder_correctie`` and ``effect_correctie``
        (total with minus without the correction).

    Raises
    ------
    InputError
        Once, naming every problem with the input (all of them, not only the first).
    """
    problemen = _controleer(basis, aantal, jaren, zorgdruk, correctie, minimum, maximum)
    codes = list(basis.index)
    lo, hi = _grens(minimum, codes, 0), _grens(maximum, codes, None)
    if not problemen:
        problemen += _haalbaar(codes, aantal, lo, hi, basis)
    if problemen:
        raise InputError("De verdeling kan zo niet: " + " ".join(problemen),
                         "Pas de invoer aan en probeer het opnieuw.")

    b = {c: Fraction(float(basis[c])) for c in codes}
    z = ({c: Fraction(float(zorgdruk[c])) for c in codes} if zorgdruk is not None and correctie > 0
         else {c: Fraction(0) for c in codes})
    s = Fraction(correctie)
    totaal_b, totaal_z = sum(b.values()), sum(z.values())
    factor = {c: Fraction(1) for c in codes}
    if s > 0 and totaal_z > 0:
        # r_i / r = (z_i / b_i) / (Z / B); a gemeente without base gets no weight whatever its factor.
        factor = {c: max(Fraction(0), 1 - s * ((z[c] * totaal_b) / (b[c] * totaal_z) - 1)) if b[c] > 0
                  else Fraction(1) for c in codes}
    w = {c: b[c] * factor[c] for c in codes}
    if sum(w.values()) == 0:  # every gemeente with a base carries all the zorgdruk: fall back to the base
        w = dict(b)
    plain = _begrensd([b], aantal, lo, hi)
    n_totaal = aantal * jaren
    zonder = _afronden({c: plain[c] * jaren for c in codes}, n_totaal)
    if s > 0:
        # The allocation without correction bounds the one with it (see the module docstring): a gemeente the
        # correction lowers (factor < 1) takes at most its units without it, one it raises at least those,
        # also when a maximum elsewhere leaves a rest. Bounding the exact quota by those units (not by the
        # plain quota) makes plain largest remainder keep the promise; and the units without correction
        # meet every bound, so the bounds are always feasible.
        eigen = {c: Fraction(zonder[c], jaren) for c in codes}
        lo_c = {c: max(Fraction(lo[c]), eigen[c]) if factor[c] > 1 else Fraction(lo[c]) for c in codes}
        hi_c = {c: (eigen[c] if hi[c] is None else min(Fraction(hi[c]), eigen[c])) if factor[c] < 1 else hi[c]
                for c in codes}
        quotum = _begrensd([w, b], aantal, lo_c, hi_c)
        totaal = _afronden({c: quotum[c] * jaren for c in codes}, n_totaal)
    else:
        quotum, totaal = plain, zonder
    per_jaar = _spreid(quotum, totaal, aantal, jaren)

    rate = {c: (z[c] / b[c] * 1000 if b[c] > 0 else None) for c in codes}
    tabel = pd.DataFrame(index=pd.Index(codes, name="code"))
    tabel["naam"] = namen.reindex(codes) if namen is not None else codes
    tabel["basis"] = [float(b[c]) for c in codes]
    tabel["zorgdruk"] = [float(z[c]) if zorgdruk is not None and correctie > 0 else float("nan") for c in codes]
    tabel["zorgdruk_per_1000"] = [float(rate[c]) if correctie > 0 and rate[c] is not None else float("nan")
                                  for c in codes]
    tabel["aandeel"] = [float(b[c] / totaal_b) for c in codes]
    tabel["correctiefactor"] = [float(factor[c]) for c in codes]
    totaal_w = sum(w.values())
    tabel["aandeel_gecorrigeerd"] = [float(w[c] / totaal_w) for c in codes]
    tabel["quotum"] = [float(quotum[c]) for c in codes]
    for t in range(jaren):
        tabel[f"jaar_{t + 1}"] = [per_jaar[c][t] for c in codes]
    tabel["totaal"] = [totaal[c] for c in codes]
    tabel["totaal_zonder_correctie"] = [zonder[c] for c in codes]
    tabel["effect_correctie"] = tabel["totaal"] - tabel["totaal_zonder_correctie"]
    tabel.attrs["gemiddelde_per_1000"] = float(totaal_z / totaal_b * 1000) if s > 0 and totaal_b else None
    return tabel


def _controleer(basis, aantal, jaren, zorgdruk, correctie, minimum, maximum) -> list[str]:
    """Every problem with the input, in the user's words."""
    problemen = []
    if len(basis) == 0:
        problemen.append("De regio heeft geen gemeenten.")
    if isinstance(aantal, bool) or not isinstance(aantal, int):
        problemen.append(f"Het aantal per jaar ({aantal}) moet een geheel getal zijn.")
    elif aantal < 0:
        problemen.append(f"Het aantal per jaar is {_kort(aantal)}; dat kan niet negatief zijn.")
    elif aantal > MAX_AANTAL:
        problemen.append(f"Het aantal per jaar is {_kort(aantal)}; dat is meer dan de {getal(MAX_AANTAL)} "
                         f"die de verdeelsleutel aankan.")
    if isinstance(jaren, bool) or not isinstance(jaren, int) or not 1 <= jaren <= MAX_JAREN:
        problemen.append(f"Het aantal jaren is {_kort(jaren)}; kies 1 tot en met {MAX_JAREN}.")
    if not isinstance(correctie, int | float) or not 0 <= correctie <= 1:
        problemen.append(f"De correctie is {_kort(correctie)}; kies een sterkte van 0 (geen) tot en met 1.")
    waarden = pd.to_numeric(basis, errors="coerce")
    ontbreekt = [str(c) for c in basis.index[waarden.isna()]]
    if ontbreekt:
        problemen.append(f"De basis ontbreekt voor {', '.join(ontbreekt)}.")
    negatief = [str(c) for c in basis.index[waarden < 0]]
    if negatief:
        problemen.append(f"De basis is negatief voor {', '.join(negatief)}.")
    if len(basis) and not ontbreekt and not negatief and waarden.sum() <= 0:
        problemen.append("De basis is voor alle gemeenten 0: er is niets om naar te verdelen.")
    if isinstance(correctie, int | float) and correctie > 0:
        if zorgdruk is None:
            problemen.append("Voor de correctie is de bestaande zorgdruk nodig, maar die is er niet.")
        else:
            z = pd.to_numeric(zorgdruk.reindex(basis.index), errors="coerce")
            if z.isna().any():
                problemen.append(f"De bestaande zorgdruk ontbreekt voor {', '.join(map(str, basis.index[z.isna()]))}.")
            if (z < 0).any():
                problemen.append(f"De bestaande zorgdruk is negatief voor {', '.join(map(str, basis.index[z < 0]))}.")
    for naam, grens in (("minimum", minimum), ("maximum", maximum)):
        problemen += _controleer_grens(naam, grens, basis.index)
    return problemen


def _controleer_grens(naam: str, grens: Grens, codes) -> list[str]:
    if grens is None:
        return []
    waarden = grens.items() if isinstance(grens, Mapping) else [("elke gemeente", grens)]
    problemen = []
    for code, waarde in waarden:
        if isinstance(waarde, bool) or not isinstance(waarde, int) or not 0 <= waarde <= MAX_AANTAL:
            problemen.append(f"Het {naam} voor {code} is {_kort(waarde)}; geef een geheel getal van 0 tot en met "
                             f"{getal(MAX_AANTAL)}.")
    if isinstance(grens, Mapping):
        vreemd = [str(c) for c in grens if c not in set(codes)]
        if vreemd:
            problemen.append(f"Het {naam} noemt {', '.join(vreemd)}, maar die gemeente(n) horen niet bij de regio.")
    return problemen


def _grens(grens: Grens, codes: list[str], standaard: int | None) -> dict[str, int | None]:
    if grens is None:
        return {c: standaard for c in codes}
    if isinstance(grens, Mapping):
        return {c: grens.get(c, standaard) for c in codes}
    return {c: grens for c in codes}


def _haalbaar(codes, aantal, lo, hi, basis) -> list[str]:
    problemen = [f"Voor {c} is het minimum ({getal(lo[c])}) groter dan het maximum ({getal(hi[c])})."
                 for c in codes if hi[c] is not None and lo[c] > hi[c]]
    if sum(lo.values()) > aantal:
        problemen.append(f"De minimums tellen op tot {getal(sum(lo.values()))}, meer dan het aantal per jaar "
                         f"({getal(aantal)}).")
    if all(h is not None for h in hi.values()) and sum(hi.values()) < aantal:
        problemen.append(f"De maximums tellen op tot {getal(sum(hi.values()))}, minder dan het aantal per jaar "
                         f"({getal(aantal)}).")
    return problemen


def _begrensd(lagen: list[dict[str, Fraction]], aantal: int, lo, hi) -> dict[str, Fraction]:
    """Exact quotas ``clamp(t * w_i, lo_i, hi_i)`` with the one ``t`` that makes them add up to ``aantal``.

    The sum is piecewise linear and non-decreasing in ``t``: walk its breakpoints to the segment that
    holds ``aantal`` and solve there. ``lagen`` are weights tried in turn: gemeenten without weight in
    the first keep their minimum, unless every weighted one is at its maximum; then the rest goes over
    them by the next weights, and at the end by equal weights (water-filling to one level). So a rest
    is never handed out "in equal parts" over gemeenten that have a base to share it by.
    """
    w = lagen[0] if lagen else dict.fromkeys(lo, Fraction(1))

    def som(t: Fraction) -> Fraction:
        return sum(_clamp(t * w[c], lo[c], hi[c]) for c in w)

    breekpunten = sorted({Fraction(g) / w[c] for c in w if w[c] > 0 for g in (lo[c], hi[c]) if g is not None})
    vorige = Fraction(0)
    for t in [*breekpunten, None]:
        if t is not None and som(t) < aantal:
            vorige = t
            continue
        if som(vorige) >= aantal:  # the minimums alone make up the total
            return {c: _clamp(vorige * w[c], lo[c], hi[c]) for c in w}
        # On (vorige, t] the free gemeenten (strictly between their bounds) grow linearly with slope sum(w).
        vrij = [c for c in w if w[c] > 0 and lo[c] <= vorige * w[c] and (hi[c] is None or vorige * w[c] < hi[c])]
        helling = sum(w[c] for c in vrij)
        if helling == 0:
            break
        x = vorige + (aantal - som(vorige)) / helling
        return {c: _clamp(x * w[c], lo[c], hi[c]) for c in w}
    # Every weighted gemeente is at its maximum: the rest goes over the others by the next weights.
    vol = {c: Fraction(hi[c]) for c in w if w[c] > 0}
    over = [c for c in w if w[c] == 0]
    if not lagen or not over:
        raise AssertionError("the maximums leave units over (excluded by _haalbaar)")
    rest = _begrensd([{c: laag[c] for c in over} for laag in lagen[1:]], aantal - sum(vol.values()),
                     {c: lo[c] for c in over}, {c: hi[c] for c in over})
    return {c: vol[c] if c in vol else rest[c] for c in w}


def _clamp(x: Fraction, lo: Fraction | int, hi: Fraction | int | None) -> Fraction:
    return max(Fraction(lo), x if hi is None else min(x, Fraction(hi)))


def _afronden(quota: dict[str, Fraction], aantal: int) -> dict[str, int]:
    """Largest remainder: each gemeente its quota rounded down, the units left to the largest remainders.

    Ties go to the larger quota, then the code, so the result never depends on the order of the rows.
    """
    toewijzing = {c: floor(q) for c, q in quota.items()}
    over = aantal - sum(toewijzing.values())
    volgorde = sorted(quota, key=lambda c: (-(quota[c] - floor(quota[c])), -quota[c], c))
    for c in volgorde[:over]:
        toewijzing[c] += 1
    if over < 0 or over > len(volgorde) or any(toewijzing[c] - 1 >= quota[c] for c in quota):
        raise AssertionError(f"largest remainder missed the total by {over}")
    return toewijzing


def _spreid(quotum: dict[str, Fraction], totaal: dict[str, int], aantal: int, jaren: int) -> dict[str, list[int]]:
    """Spread each gemeente's total over the years: every year its quota rounded down plus at most one
    extra unit, the extras going each year to the largest outstanding remainders (carried forward)."""
    basis = {c: floor(q) for c, q in quotum.items()}
    extra = {c: totaal[c] - basis[c] * jaren for c in quotum}  # between 0 and J by construction
    per_jaar = {c: [] for c in quotum}
    gekregen = dict.fromkeys(quotum, 0)
    k = aantal - sum(basis.values())
    for t in range(1, jaren + 1):
        tekort = {c: Fraction(extra[c] * t, jaren) - gekregen[c] for c in quotum}
        kandidaten = sorted((c for c in quotum if gekregen[c] < extra[c]),
                            key=lambda c: (-tekort[c], -extra[c], c))
        krijgt = set(kandidaten[:k])
        for c in quotum:
            plus = c in krijgt
            gekregen[c] += plus
            per_jaar[c].append(basis[c] + plus)
    return per_jaar


# --- the kaart side: which gemeenten, which base, which zorgdruk ------------------------------------------


def basiswaarden(kaart: Kaart, basis: str) -> pd.Series:
    """The base per gemeente from the kaart's gemeente layer.

    Raises
    ------
    InputError
        For an unknown base, or one the kaart has no figures for, naming the bases it can use.
    """
    gemeenten = kaart.gebieden["gemeente"]
    beschikbaar = [b for b in BASISSEN if _kolom(gemeenten, b) is not None]
    if basis not in BASISSEN:
        raise InputError(f"De basis ‘{basis}’ bestaat niet.", f"Kies uit: {', '.join(beschikbaar)}.")
    waarden = _kolom(gemeenten, basis)
    if waarden is None:
        raise InputError(f"Deze kaart heeft geen cijfers voor de basis ‘{basis}’.",
                         f"Kies uit: {', '.join(beschikbaar) or 'geen (de kaart heeft geen huishoudens of inwoners)'}.")
    return waarden


def _kolom(gemeenten: pd.DataFrame, basis: str) -> pd.Series | None:
    if basis == "sociale_huur":
        if {"woningen", "pct_corporatiewoningen"} <= set(gemeenten) and \
                (gemeenten["woningen"] * gemeenten["pct_corporatiewoningen"]).notna().any():
            return (gemeenten["woningen"] * gemeenten["pct_corporatiewoningen"] / 100).round()
        return None
    if basis in gemeenten and gemeenten[basis].notna().any():
        return gemeenten[basis].astype(float)
    return None


def regio_gemeenten(kaart: Kaart, regio: str | None) -> tuple[list[str], str]:
    """The gemeente codes of ``regio`` and its label; all gemeenten of the kaart when ``regio`` is empty.

    ``regio`` is ``soort:naam`` (``zorgkantoorregio:Zuid-Holland Zuid``) or only the name, looked up
    in the kaart's table ``regio_indelingen``; gemeenten of the region the kaart has no figures for
    are named in the error.
    """
    gemeenten = kaart.gebieden["gemeente"]
    if not regio or not regio.strip():
        return list(gemeenten.index), "alle gemeenten van de kaart"
    indeling = kaart.tabellen.get(INDELINGEN)
    if indeling is None or indeling.empty:
        raise InputError(f"Deze kaart heeft geen regio-indelingen, dus de regio ‘{regio}’ is onbekend.",
                         "Importeer de regio-indelingen in de kaart, of laat de regio leeg voor alle gemeenten "
                         "van de kaart.", parameter="regio-indelingen")
    soort, _, naam = regio.strip().rpartition(":")
    naam, soort = naam.strip().lower(), soort.strip().lower()
    treffers = indeling[(indeling["regio"].str.lower() == naam)
                        & ((indeling["soort"].str.lower() == soort) if soort else True)]
    if treffers.empty:
        in_kaart = indeling[indeling["gemeentecode"].isin(gemeenten.index)]
        voorbeelden = sorted({f"{s}:{r}" for s, r in zip(in_kaart["soort"], in_kaart["regio"])})[:8]
        raise InputError(f"De regio ‘{regio}’ bestaat niet in de regio-indelingen van deze kaart.",
                         f"Kies bijvoorbeeld: {'; '.join(voorbeelden) or 'een regio met gemeenten in deze kaart'}.")
    soorten = sorted(set(treffers["soort"]))
    if len(soorten) > 1 and len({frozenset(g["gemeentecode"]) for _, g in treffers.groupby("soort")}) > 1:
        raise InputError(f"‘{regio}’ is de naam van regio's van meer soorten ({', '.join(soorten)}).",
                         f"Schrijf de soort ervoor, bijvoorbeeld {soorten[0]}:{treffers['regio'].iloc[0]}.")
    codes = sorted(set(treffers["gemeentecode"]))
    ontbreekt = [f"{c} {n}" for c, n in treffers.drop_duplicates("gemeentecode")[["gemeentecode", "gemeentenaam"]]
                 .itertuples(index=False) if c not in gemeenten.index]
    if ontbreekt:
        raise InputError(f"De kaart heeft geen cijfers voor gemeenten van {soorten[0]} {treffers['regio'].iloc[0]}: "
                         f"{', '.join(sorted(ontbreekt))}.",
                         "Bouw de kaart met die gemeenten erbij, of kies een andere regio.")
    return codes, f"{soorten[0].replace('_', ' ')} {treffers['regio'].iloc[0]}"


def eigen_gemeenten(kaart: Kaart, gemeenten: list[str]) -> tuple[list[str], str]:
    """The gemeente codes a caller chose (a plan's region), each one checked against the kaart, and a label."""
    bekend = kaart.gebieden["gemeente"].index
    codes = list(dict.fromkeys(gemeenten))
    vreemd = [c for c in codes if c not in bekend]
    if not codes or vreemd:
        raise InputError(f"De kaart heeft geen cijfers voor {', '.join(vreemd) or 'een lege regio'}.",
                         "Kies gemeenten van deze kaart.", parameter="gemeenten")
    return codes, f"{getal(len(codes))} gekozen gemeenten"


def verdeel_kaart(kaart: Kaart, *, aantal: int, regio: str | None = None, jaren: int = 1,
                  basis: str = "huishoudens", correctie: float = 0.0, minimum: Grens = None,
                  maximum: Grens = None, gemeenten: list[str] | None = None) -> Verdeling:
    """:func:`verdeel` on the gemeenten of a kaart, of one of its regions, or (``gemeenten``) exactly those
    gemeenten: a plan's region need not be one of the kaart's regio-indelingen."""
    if gemeenten is not None and regio:
        raise ValueError("give a regio or the gemeenten, not both")
    codes, label = eigen_gemeenten(kaart, gemeenten) if gemeenten is not None else regio_gemeenten(kaart, regio)
    waarden = basiswaarden(kaart, basis).reindex(codes)
    gemeenten = kaart.gebieden["gemeente"]
    zorgdruk = None
    if correctie and correctie > 0:
        if ZORGDRUK not in gemeenten:
            raise InputError("Deze kaart heeft geen bestaande zorgdruk (zorgdruk_plaatsen) om voor te corrigeren.",
                             "Importeer eerst de voorzieningen in de kaart, of zet de correctie op 0.",
                             parameter="voorzieningen")
        zorgdruk = gemeenten[ZORGDRUK].reindex(codes)
    tabel = verdeel(waarden, aantal, jaren=jaren, zorgdruk=zorgdruk, correctie=correctie, minimum=minimum,
                    maximum=maximum, namen=gemeenten["naam"])
    bron = kaart.bronvermelding + (f"; {kaart.voorzieningen_bronvermelding}" if correctie > 0 else "")
    return Verdeling(tabel=tabel, aantal=aantal, jaren=jaren, basis=basis, correctie=correctie, regio=label,
                     formule=formule(correctie, basis, minimum is not None or maximum is not None),
                     gemiddelde=tabel.attrs.get("gemiddelde_per_1000"), minimum=minimum, maximum=maximum,
                     bron=bron, fictief=bool(kaart.metadata.get("fictief")))
