"""The links into an inrichtingsplan: an owner's link (change the plan, manage its links) and a reader's link.

Tokens are made and hashed as for werksessies (:mod:`webapp.werksessies.toegang`): random, shown once, only
their SHA-256 stored, so a leaked database opens no plan. A plan's links do not expire (a plan runs for
years); the owner revokes or replaces them. The page keeps the role a link gave in the signed session and
checks on every request that the link still holds, so a revoked link stops at once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.errors import Weigering
from webapp.plannen.model import ROLLEN_PLAN, Plan, Plantoegang
from webapp.werksessies.toegang import nieuw_token, nu, token_hash


def nieuwe_link(session: Session, plan: Plan, rol: str) -> tuple[str, Plantoegang]:
    """A new link for ``rol``: its token (shown now, never stored) and its row."""
    _vereis_rol(rol)
    token = nieuw_token()
    toegang = Plantoegang(plan_id=plan.id, rol=rol, token_hash=token_hash(token), aangemaakt=nu())
    session.add(toegang)
    session.flush()
    return token, toegang


def _vereis_rol(rol: str) -> None:
    if rol not in ROLLEN_PLAN:
        raise Weigering(f"Onbekende rol ‘{rol}’. Kies uit: {', '.join(ROLLEN_PLAN.values()).lower()}.", 404)


def eerste_links(session: Session, plan: Plan) -> dict[str, str]:
    """The owner's and the reader's link of a new plan."""
    return {rol: nieuwe_link(session, plan, rol)[0] for rol in ROLLEN_PLAN}


def open_link(session: Session, token: str) -> Plantoegang:
    """The link of ``token``; a Weigering (404) for an unknown or revoked one."""
    toegang = session.scalar(select(Plantoegang).where(Plantoegang.token_hash == token_hash(token)))
    if toegang is None or toegang.ingetrokken:
        raise Weigering("Deze link is onbekend of ingetrokken. Vraag de eigenaar van het plan om een nieuwe.", 404)
    return toegang


def bezoeker(session: Session, plan_id: int, toegang_id: int | None) -> Plantoegang:
    """The link this request came in by, if it still holds; else a Weigering (403)."""
    toegang = session.get(Plantoegang, toegang_id) if toegang_id else None
    if toegang is None or toegang.plan_id != plan_id or toegang.ingetrokken:
        raise Weigering("U heeft (nog) geen toegang tot dit plan, of uw link is ingetrokken. Open de link die u "
                        "van de eigenaar van het plan kreeg.", 403)
    return toegang


def vereis_eigenaar(toegang: Plantoegang) -> None:
    if toegang.rol != "eigenaar":
        raise Weigering("Met een leeslink kunt u dit plan alleen lezen. Vraag de eigenaar om de wijziging.", 403)


def vervang(session: Session, plan: Plan, door: Plantoegang, rol: str) -> tuple[str, int, Plantoegang]:
    """Revoke every link of ``rol`` and make a new one: (token, how many were revoked, the new link). An owner
    replacing the owner's link moves to the new one (the page keeps it), so a leaked owner link is stopped."""
    ingetrokken = trek_in(session, plan, door, rol)
    token, toegang = nieuwe_link(session, plan, rol)
    return token, ingetrokken, toegang


def trek_in(session: Session, plan: Plan, door: Plantoegang, rol: str) -> int:
    """Revoke every link of ``rol`` of the plan; whoever came in through one loses access at once."""
    vereis_eigenaar(door)
    _vereis_rol(rol)
    links = session.scalars(select(Plantoegang).where(Plantoegang.plan_id == plan.id, Plantoegang.rol == rol,
                                                      Plantoegang.ingetrokken.is_(False))).all()
    for toegang in links:
        toegang.ingetrokken = True
    session.flush()
    return len(links)
