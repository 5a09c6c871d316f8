"""Werksessies and their links: creating them, exchanging a link's token for a participant, revoking.

A link carries a random token of 160 bits written in 32 lower-case letters and
digits (base32: no ``_`` that a mail program underlines into a space, no
``-``, no 0/o or 1/l to mistake when typed from paper); the database holds only
its SHA-256, so a leaked database opens no werksessie and a link is shown only
when it is made. The facilitator can replace any role's link at any time
(:func:`vervang`): the old one stops at once. A
link stops working when revoked or when the werksessie has ended (the day after
its end date). Opening a link makes a participant with that link's role; the
view then keeps the participant in a signed session cookie and redirects to a
clean URL, so the token does not linger in the address bar or in referrers.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.errors import Weigering
from webapp.werksessies.model import FASEN, ROLLEN, Deelnemer, Toegang, Werksessie


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def verloopt(werksessie: Werksessie) -> datetime:
    """Links expire with the werksessie: at the end of its last day."""
    return datetime.combine(werksessie.einde + timedelta(days=1), time())


def nu() -> datetime:
    return datetime.now().replace(microsecond=0)


def nieuw_token() -> str:
    """160 random bits as 32 characters of ``a-z2-7``."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()


def nieuwe_link(session: Session, werksessie: Werksessie, rol: str) -> str:
    """A new link for ``rol``; returns the token (shown now, never stored)."""
    if rol not in ROLLEN:
        raise Weigering(f"Onbekende rol ‘{rol}’. Kies uit: {', '.join(ROLLEN.values()).lower()}.", 404)
    token = nieuw_token()
    session.add(Toegang(werksessie=werksessie, rol=rol, token_hash=token_hash(token), verloopt=verloopt(werksessie)))
    return token


def maak_werksessie(session: Session, titel: str, regio: str, fase: str, begin: date, einde: date, *,
                    stippen: int = 5, moderatie: bool = False, alleen_eigen: bool = True,
                    bewaartermijn_dagen: int = 90, lezerslink: bool = False,
                    verleden: bool = False) -> tuple[Werksessie, dict[str, str]]:
    """A new werksessie and its links (role -> token); ``verleden`` allows one that has ended (an import)."""
    titel = titel.strip()
    if not titel or len(titel) > 200:
        raise Weigering("Geef de werksessie een titel van 1 tot 200 tekens.")
    if fase not in FASEN:
        raise Weigering(f"Kies een fase: {', '.join(FASEN)}.")
    if einde < begin:
        raise Weigering("De einddatum ligt voor de begindatum. Kies een einddatum op of na de begindatum.")
    if einde < date.today() and not verleden:
        raise Weigering("De einddatum ligt in het verleden: de links zouden meteen verlopen. Kies een latere datum.")
    if not 0 <= stippen <= 50:
        raise Weigering("Geef elke deelnemer 0 tot 50 stippen om te verdelen.")
    if not 1 <= bewaartermijn_dagen <= 3650:
        raise Weigering("Kies een bewaartermijn van 1 tot 3650 dagen.")
    werksessie = Werksessie(titel=titel, regio=regio, fase=fase, begin=begin, einde=einde, stippen=stippen,
                            moderatie=moderatie, alleen_eigen=alleen_eigen, bewaartermijn_dagen=bewaartermijn_dagen,
                            revisie=0, aangemaakt=nu())
    session.add(werksessie)
    rollen = ["facilitator", "deelnemer"] + (["lezer"] if lezerslink else [])
    links = {rol: nieuwe_link(session, werksessie, rol) for rol in rollen}
    session.flush()
    return werksessie, links


def open_link(session: Session, token: str, bekend: int | None = None) -> Deelnemer:
    """The participant a valid link makes; a Weigering (404) for an unknown, revoked or expired one.

    ``bekend`` is the participant this browser already is in the link's werksessie (from its cookie):
    opening the link again, or its replacement, gives back that participant with the same role, so the
    dots and "my annotations" stay theirs instead of a fresh budget per opening."""
    toegang = session.scalar(select(Toegang).where(Toegang.token_hash == token_hash(token)))
    if toegang is None or toegang.ingetrokken or toegang.verloopt <= nu():
        raise Weigering("Deze link is onbekend, ingetrokken of verlopen. Vraag de facilitator om een nieuwe.", 404)
    eerder = session.get(Deelnemer, bekend) if bekend else None
    if eerder is not None and eerder.werksessie_id == toegang.werksessie_id and eerder.rol == toegang.rol:
        eerder.toegang_id = toegang.id
        return eerder
    deelnemer = Deelnemer(werksessie_id=toegang.werksessie_id, toegang_id=toegang.id, rol=toegang.rol,
                          aangemaakt=nu())
    session.add(deelnemer)
    session.flush()
    return deelnemer


def bezoeker(session: Session, werksessie_id: int, deelnemer_id: int | None) -> Deelnemer:
    """The participant of this request, if their link still holds; else a Weigering (403)."""
    deelnemer = session.get(Deelnemer, deelnemer_id) if deelnemer_id else None
    toegang = session.get(Toegang, deelnemer.toegang_id) if deelnemer and deelnemer.toegang_id else None
    if deelnemer is None or deelnemer.werksessie_id != werksessie_id or toegang is None \
            or toegang.ingetrokken or toegang.verloopt <= nu():
        raise Weigering("U heeft (nog) geen toegang tot deze werksessie, of uw link is ingetrokken of verlopen. "
                        "Open de link die u van de facilitator kreeg.", 403)
    return deelnemer


def vereis_facilitator(deelnemer: Deelnemer, melding: str = "Alleen de facilitator kan dit.") -> None:
    """A Weigering (403) unless the participant is the facilitator."""
    if deelnemer.rol != "facilitator":
        raise Weigering(melding, 403)


def vervang(session: Session, werksessie: Werksessie, door: Deelnemer, rol: str) -> tuple[str, int]:
    """Revoke every link of ``rol`` and make a new one: (token, how many were revoked). Whoever came in
    through an old one is out at once, except the facilitator doing it, who moves to the new link (a
    leaked facilitator link is revoked by issuing a new one)."""
    vereis_facilitator(door, "Alleen de facilitator maakt nieuwe links.")
    if rol not in ROLLEN:
        raise Weigering(f"Onbekende rol ‘{rol}’. Kies uit: {', '.join(ROLLEN.values()).lower()}.", 404)
    ingetrokken = trek_in(session, werksessie, rol)
    token = nieuwe_link(session, werksessie, rol)
    session.flush()
    if door.rol == rol:
        door.toegang_id = session.scalar(select(Toegang.id).where(Toegang.token_hash == token_hash(token)))
    return token, ingetrokken


def trek_in(session: Session, werksessie: Werksessie, rol: str) -> int:
    """Revoke every link of ``rol``: whoever came in through one loses access at once. Returns how many."""
    links = [t for t in werksessie.toegangen if t.rol == rol and not t.ingetrokken]
    for toegang in links:
        toegang.ingetrokken = True
    werksessie.revisie += 1
    return len(links)
