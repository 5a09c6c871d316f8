"""The invitation to a werksessie: per link what it lets you do, and its QR code for a room.

A token is never stored, so the links page is the only moment a link exists
in readable form: that page is also the printable invitation (one sheet per
link, see ``werksessie_links.html``), with the link in large print and a QR
code a participant scans with a phone. The QR code is drawn on the server
(segno, as inline SVG): nothing to load, nothing from outside.
"""

from __future__ import annotations

import segno
from markupsafe import Markup

WAT_DE_ROL_MAG = {
    "facilitator": "Leidt de werksessie: kiest de fase, keurt annotaties goed, legt afspraken vast en maakt "
                   "nieuwe links. Geef deze link aan niemand anders.",
    "deelnemer": "Tekent en licht toe op de kaart, zet stippen bij wat het belangrijkst is en leest de afspraken.",
    "lezer": "Kijkt mee: ziet de kaart, de annotaties, de ranglijst en de afspraken, zonder iets te wijzigen.",
}


def qr_svg(url: str, titel: str) -> Markup:
    """The QR code of ``url`` as an inline SVG image with an accessible title."""
    svg = segno.make(url, error="m").svg_inline(scale=5, border=2, title=titel, svgclass="qr")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
