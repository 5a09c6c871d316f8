"""The locatiezoeker: where a Skaeve Huse, a Domus or another woonvorm can go, and why.

Two steps, so a planner moving a slider waits for arithmetic only:

1. :func:`meet` (:mod:`.meten`) measures, once per kaart and profile,
   everything the criteria need for every candidate: the exact distance in RD
   New from each candidate (a 100 m cell of the CBS grid, or an uploaded site)
   to the nearest feature of every exclusion and preference (dense buurten,
   schools, existing special housing, care, public transport, water), up to
   :data:`~kaart.woonvormen.MAX_AFSTAND_M`, and the buurt's drukpunt score and
   the gemeente's existing zorgdruk.
2. :func:`beoordeel` (:mod:`.scoren`) applies the weights and buffers: a
   candidate within an exclusion's buffer is out (distance ≤ buffer, so a
   larger buffer only ever excludes more); each preference is rescaled over the
   remaining candidates so the best scores 1 and the worst 0; the score is the
   weighted mean of the known preference values. A candidate best on a
   criterion thus has value 1 there, at least its own mean, and raising that
   criterion's weight never lowers its score. Adjacent cells among the best
   (the profile's ``beste_aandeel``) form candidate areas; in each, the best
   plot of the profile's minimum area is the candidate, ranked by its mean
   score, with its area as context. A gemeente filter selects among the
   region's candidates, so a place gets the same candidate with and without it.

What a planner reads is apart from the arithmetic: :mod:`.verklaren` says in
Dutch why a candidate qualifies or not (a table per candidate, a click on the
map, the message when none or fewer than asked qualify), and :mod:`.exporteren` writes the ranked
list with the settings it was made under. :mod:`.uitkomst` holds the scored
result all three share, so the modules import one way only: meten, uitkomst,
verklaren, scoren; exporteren beside scoren.

Messages here are Dutch, since the web page shows them as they are, and name no
command-line option or URL parameter: the CLI and the page each add their own.
"""

from kaart.locatiezoeker.exporteren import EXPORTSOORTEN, beschrijving, exportbestand, instellingen
from kaart.locatiezoeker.meten import Afstand, Metingen, dichtheid, doelen, meet
from kaart.locatiezoeker.scoren import beoordeel
from kaart.locatiezoeker.uitkomst import Regel, Uitkomst
from kaart.locatiezoeker.verklaren import Verklaring, afstandstekst, redenen, tabel, verklaar

__all__ = ["EXPORTSOORTEN", "Afstand", "Metingen", "Regel", "Uitkomst", "Verklaring", "afstandstekst", "beoordeel",
           "beschrijving", "dichtheid", "doelen", "exportbestand", "instellingen", "meet", "redenen", "tabel", "verklaar"]
