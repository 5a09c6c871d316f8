"""Phases that mean something: each opens what it is for, and the server holds participants to it.

In "ervaringsgegevens" participants draw and comment, in "prioritering" they
spend dots, in "afspraken" the facilitator records agreements. Choosing a
phase opens its own activity and closes the others; the facilitator can then
open or close each by hand (a late drawing during prioritering). A
participant's write to a closed activity is refused (409); the facilitator,
who leads the room, is never held back. Every change raises the revision, so
every open page follows within one poll.
"""

from __future__ import annotations

from webapp.errors import Weigering
from webapp.werksessies import velden
from webapp.werksessies.model import ACTIVITEITEN, FASE_OPENT, FASEN, Deelnemer, Werksessie


def open_activiteiten(werksessie: Werksessie) -> list[str]:
    """The activities open now, in their fixed order."""
    if werksessie.activiteiten is None:
        return list(FASE_OPENT.get(werksessie.fase, ()))
    gekozen = set(werksessie.activiteiten.split(","))
    return [a for a in ACTIVITEITEN if a in gekozen]


def vereis_open(werksessie: Werksessie, deelnemer: Deelnemer, activiteit: str) -> None:
    """A Weigering (409) when a participant tries an activity that is closed now."""
    if deelnemer.rol != "facilitator" and activiteit not in open_activiteiten(werksessie):
        raise Weigering(f"{ACTIVITEITEN[activiteit]} is nu gesloten (fase: {FASEN[werksessie.fase].lower()}). "
                        "De facilitator opent het als het zover is.", 409)


def zet_fase(werksessie: Werksessie, fase: object) -> None:
    """Go to a phase: it opens its own activity (choosing the phase it already is changes nothing)."""
    fase = velden.keuze(fase, FASEN, "Kies een fase")
    if fase != werksessie.fase:
        werksessie.fase, werksessie.activiteiten = fase, None


def zet_open(werksessie: Werksessie, keuzes: object) -> None:
    """Open (True) or close (False) activities by name: ``{"tekenen": true, "stemmen": false}``."""
    if not isinstance(keuzes, dict) or not all(k in ACTIVITEITEN and isinstance(v, bool) for k, v in keuzes.items()):
        raise Weigering(f"Geef per activiteit aan of ze open is (waar of onwaar): {', '.join(ACTIVITEITEN)}.")
    open_ = set(open_activiteiten(werksessie))
    open_ |= {k for k, v in keuzes.items() if v}
    open_ -= {k for k, v in keuzes.items() if not v}
    werksessie.activiteiten = ",".join(a for a in ACTIVITEITEN if a in open_)


def als_json(werksessie: Werksessie) -> dict:
    """What every polling page needs to follow the facilitator."""
    return {"fase": werksessie.fase, "fase_label": FASEN[werksessie.fase], "open": open_activiteiten(werksessie),
            "stippen": werksessie.stippen}
