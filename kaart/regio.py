"""Which gemeenten the user means: codes or names, checked against what a source has."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import pandas as pd

from kaart import codes
from kaart.errors import InputError


def resolve_gemeenten(values: list[str], bekend: pd.DataFrame, opgeheven: Mapping[str, str] = {}) -> list[str]:
    """Turn gemeente codes or names into codes, checking each against ``bekend``.

    Parameters
    ----------
    values
        As typed: ``GM0505``, ``0505``, ``505`` or ``Dordrecht`` (case-insensitive).
    bekend
        The gemeenten of the source, with columns ``code`` and ``naam``.
    opgeheven
        Per merged-away gemeente (code, or name in lower case) the hint naming what it is part of now
        (``layers.regio_indelingen.opgeheven``).

    Raises
    ------
    InputError
        Naming every value that matched no gemeente, with the nearest names.
    """
    names = {str(n).strip().lower(): c for c, n in zip(bekend["code"], bekend["naam"]) if isinstance(n, str)}
    known_codes = set(bekend["code"])
    resolved, unknown = [], []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        looks_like_code = text.upper().startswith("GM") or text.isdigit()
        if looks_like_code:
            code = codes.gemeente(text)
            if code in known_codes:
                resolved.append(code)
                continue
        elif text.lower() in names:
            resolved.append(names[text.lower()])
            continue
        unknown.append(text)
    if unknown:
        hints = []
        for text in unknown:
            close = difflib.get_close_matches(text.lower(), list(names), n=3, cutoff=0.6)
            fusie = opgeheven.get(text.lower()) or (opgeheven.get(codes.gemeente(text))
                                                    if text.upper().startswith("GM") or text.isdigit() else None)
            if fusie:
                hints.append(f"{fusie}: geef die gemeente.")
            elif close:
                hints.append(f"‘{text}’: bedoelt u {' of '.join(f'‘{c.title()}’' for c in close)}?")
        raise InputError(
            f"Onbekende gemeente: {', '.join(f'‘{u}’' for u in unknown)} (niet in de bron voor dit jaar).",
            " ".join(hints) or "Geef een gemeentecode zoals GM0505 of de naam zoals CBS die schrijft.",
            parameter="gemeente",
        )
    if not resolved:
        raise InputError("Geen gemeente gegeven.", "Noem er minstens één (code of naam).", parameter="gemeente")
    return list(dict.fromkeys(resolved))


def gemeenten_in(rows: pd.DataFrame) -> pd.DataFrame:
    """The gemeenten that canonical rows cover, with the best name known for each and
    whether the rows hold areas below it (``fijnst``): a buurt file beside a national
    gemeente file makes the buurten's gemeenten the natural region, and a gemeente with
    wijk figures but no buurt geometry belongs to it too (its rows then show up as
    unmatched instead of vanishing). Without any rows below gemeente level, every gemeente counts."""
    rows = rows[rows["gemeentecode"] != codes.BUITENLAND]
    names = rows.loc[rows["niveau"] == "gemeente"].drop_duplicates("gemeentecode").set_index("gemeentecode")["naam"]
    names = names.combine_first(rows.dropna(subset=["gemeentenaam"]).groupby("gemeentecode")["gemeentenaam"].first())
    codes_ = sorted(rows["gemeentecode"].dropna().unique())
    below = rows["niveau"] != "gemeente"
    with_areas = set(rows.loc[below, "gemeentecode"]) if below.any() else set(codes_)
    return pd.DataFrame({"code": codes_, "naam": [names.get(c) for c in codes_],
                         "fijnst": [c in with_areas for c in codes_]})
