"""An afspraak monitored against its area's series (``kaart.voortgang``): the rule, applied and written out."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaart import voortgang as vg


def _reeks(**jaren: float) -> pd.DataFrame:
    return pd.DataFrame({"waarde": list(jaren.values()), "status": "officieel"},
                        index=pd.Index([int(j.removeprefix("j")) for j in jaren], name="jaar"))


def test_a_target_below_the_baseline_on_the_straight_line():
    """22,6% in 2022, target 18% in 2028: halfway, the line says 20,3% in 2025."""
    reeks = _reeks(j2021=23.0, j2022=22.6, j2023=22.0, j2025=20.0)
    v = vg.voortgang(2022, 22.6, 18.0, 2028, reeks, "%")
    assert v.status == vg.OP_KOERS and [j for j, _, _ in v.later] == [2023, 2025]
    assert "20,0%" in v.regel and "20,3%" in v.regel and "2028" in v.regel
    achter = vg.voortgang(2022, 22.6, 18.0, 2028, _reeks(j2022=22.6, j2025=21.5), "%")
    assert achter.status == vg.ACHTER and achter.regel.startswith("Achter")
    assert vg.voortgang(2022, 22.6, 18.0, 2028, _reeks(j2025=17.9), "%").status == vg.GEHAALD


def test_without_a_newer_year_or_a_target_year():
    assert vg.voortgang(2023, 10, 20, 2030, _reeks(j2022=9, j2023=10)).status == vg.GEEN_NIEUWER
    v = vg.voortgang(2022, 10, 20, None, _reeks(j2023=11), "inwoners")
    assert v.status == vg.OP_KOERS and "geen doeljaar" in v.regel
    assert vg.voortgang(2022, 10, 20, None, _reeks(j2023=10)).status == vg.ACHTER


@given(basis=st.floats(0, 1000), doel=st.floats(0, 1000), nu=st.floats(0, 1000),
       jaar=st.integers(2023, 2035), doeljaar=st.one_of(st.none(), st.integers(2023, 2035)))
def test_the_status_follows_the_written_rule(basis, doel, nu, jaar, doeljaar):
    v = vg.voortgang(2022, basis, doel, doeljaar, _reeks(**{f"j{jaar}": nu}))
    richting = 1 if doel >= basis else -1
    if richting * (nu - doel) >= 0:
        assert v.status == vg.GEHAALD
    elif doeljaar and doeljaar > 2022:
        lijn = basis + min(1, (jaar - 2022) / (doeljaar - 2022)) * (doel - basis)
        assert v.status == (vg.OP_KOERS if richting * (nu - lijn) >= 0 else vg.ACHTER)
    else:
        assert v.status == (vg.OP_KOERS if richting * (nu - basis) > 0 else vg.ACHTER)
    assert v.regel.lower().startswith(v.status)
