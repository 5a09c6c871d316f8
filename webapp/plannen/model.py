"""What an inrichtingsplan stores: the plan over its versions, each version's areas, parties with their role
per phase, tafels (the governance) and phases with their milestones and werksessies, as SQLAlchemy tables.

The tables share the werksessies' metadata (``Basis``) and migrations, so a phase can point at the
werksessies held in it and one database, SQLite or PostgreSQL, holds both. A plan is the lasting thing
(later its links hang here); what it says is in its versions: a vastgesteld version never changes, a new
concept is a copy that names the version it came from. Personal data stays out by design: a party is an
organisation with at most a function name.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.werksessies.model import FASEN, Basis

FASEN_PLAN = {"voorfase": "Voorfase", "kaart": "Maatschappelijke kaart", **FASEN}
"""The voorfase and the four phases, in their order; the last three are the werksessies' own phases."""
SOORTEN_PLAN = {"gebied": "Gebied", "regio": "Regio"}
STATUS_PLAN = {"concept": "Concept", "vastgesteld": "Vastgesteld"}
DOMEINEN = {"gemeente": "Gemeente", "corporatie": "Woningcorporatie", "zorgaanbieder": "Zorgaanbieder",
            "welzijn": "Welzijn", "huurdersorganisatie": "Huurdersorganisatie",
            "financier": "Zorgkantoor of financier", "bewoners": "Bewoners"}
NIVEAUS_PARTIJ = {"bestuurlijk": "Bestuurlijk", "werkorganisatie": "Werkorganisatie"}
SOORTEN_TAFEL = {"bestuurlijk_overleg": "Bestuurlijk overleg", "regiegroep": "Regiegroep",
                 "lokale_projectgroep": "Lokale projectgroep", "werkgroep": "Werkgroep"}
NIVEAUS_TAFEL = {"strategisch": "Strategisch", "tactisch": "Tactisch", "operationeel": "Operationeel"}
STATUS_FASE = {"gepland": "Gepland", "lopend": "Lopend", "afgerond": "Afgerond"}


class Plan(Basis):
    """One inrichtingsplan over all its versions."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime)

    versies: Mapped[list[Planversie]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                     order_by="Planversie.versie",
                                                     foreign_keys="Planversie.plan_id")


class Planversie(Basis):
    """What the plan says in one version: title, area, voorfase and status, with everything below it."""

    __tablename__ = "planversie"
    __table_args__ = (UniqueConstraint("plan_id", "versie"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    versie: Mapped[int] = mapped_column(Integer)
    vorige_id: Mapped[int | None] = mapped_column(ForeignKey("planversie.id", ondelete="SET NULL"), nullable=True)
    """The version this one was copied from (None for the first)."""
    titel: Mapped[str] = mapped_column(String(200))
    soort: Mapped[str] = mapped_column(String(20))
    getekend: Mapped[bool] = mapped_column(Boolean, default=False)
    """The areas are buurten that together make one drawn area (a kern), named ``gebiedsnaam``."""
    gebiedsnaam: Mapped[str] = mapped_column(String(200), default="")
    indeling_soort: Mapped[str] = mapped_column(String(40), default="")
    """For a region: the kind of regio-indeling it follows (``kaart.verdeelsleutel.REGIOSOORTEN``), or empty."""
    indeling_naam: Mapped[str] = mapped_column(String(200), default="")
    doel: Mapped[str] = mapped_column(Text, default="")
    opzet: Mapped[str] = mapped_column(Text, default="")
    verwachtingen: Mapped[str] = mapped_column(Text, default="")
    initiatiefnemers: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="concept")
    vastgesteld_door_id: Mapped[int | None] = mapped_column(
        ForeignKey("tafel.id", ondelete="SET NULL", use_alter=True), nullable=True)
    """The tafel (of this version) that adopted it; created after both tables, as they point at each other."""
    vastgesteld_op: Mapped[date | None] = mapped_column(Date, nullable=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime)

    plan: Mapped[Plan] = relationship(back_populates="versies", foreign_keys=[plan_id])
    vastgesteld_door: Mapped[Tafel | None] = relationship(foreign_keys=[vastgesteld_door_id], post_update=True)
    """Set after the tafel is written (``post_update``): the version is inserted before its tafels."""
    gebieden: Mapped[list[Plangebied]] = relationship(cascade="all, delete-orphan", order_by="Plangebied.id")
    partijen: Mapped[list[Partij]] = relationship(back_populates="versie", cascade="all, delete-orphan",
                                                  order_by="Partij.id")
    tafels: Mapped[list[Tafel]] = relationship(back_populates="versie", cascade="all, delete-orphan",
                                               order_by="Tafel.id", foreign_keys="Tafel.versie_id")
    fasen: Mapped[list[Fase]] = relationship(back_populates="versie", cascade="all, delete-orphan",
                                             order_by="Fase.id")
    regioafspraak: Mapped[Regioafspraak | None] = relationship(cascade="all, delete-orphan", uselist=False)
    """A regional plan's verdeelsleutel settings (None until they are set, and always for a gebied)."""
    boden: Mapped[list[Bod]] = relationship(cascade="all, delete-orphan", order_by="Bod.id")
    realisaties: Mapped[list[Realisatie]] = relationship(cascade="all, delete-orphan", order_by="Realisatie.id")


class Plangebied(Basis):
    """One CBS area of a version's gebied, or one gemeente of its region."""

    __tablename__ = "plangebied"
    __table_args__ = (UniqueConstraint("versie_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    versie_id: Mapped[int] = mapped_column(ForeignKey("planversie.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))


class Partij(Basis):
    """An organisation in the plan: no person's name, at most a function ("wethouder wonen")."""

    __tablename__ = "partij"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    versie_id: Mapped[int] = mapped_column(ForeignKey("planversie.id", ondelete="CASCADE"), index=True)
    naam: Mapped[str] = mapped_column(String(200))
    domein: Mapped[str] = mapped_column(String(40))
    niveau: Mapped[str] = mapped_column(String(20))
    functie: Mapped[str] = mapped_column(String(200), default="")

    versie: Mapped[Planversie] = relationship(back_populates="partijen")
    rollen: Mapped[list[Partijrol]] = relationship(cascade="all, delete-orphan", order_by="Partijrol.id")


class Partijrol(Basis):
    """A party's role in one phase (``ROLLEN_PARTIJ``): the role matrix, and so the phase's WIE."""

    __tablename__ = "partijrol"
    __table_args__ = (UniqueConstraint("partij_id", "fase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partij_id: Mapped[int] = mapped_column(ForeignKey("partij.id", ondelete="CASCADE"), index=True)
    fase: Mapped[str] = mapped_column(String(40))
    rol: Mapped[str] = mapped_column(String(20))


class Tafel(Basis):
    """A table of the governance: its kind and level, what it decides, how often it meets, its members."""

    __tablename__ = "tafel"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    versie_id: Mapped[int] = mapped_column(ForeignKey("planversie.id", ondelete="CASCADE"), index=True)
    naam: Mapped[str] = mapped_column(String(200))
    soort: Mapped[str] = mapped_column(String(40))
    niveau: Mapped[str] = mapped_column(String(20))
    besluit: Mapped[str] = mapped_column(Text, default="")
    """What this table decides."""
    frequentie: Mapped[str] = mapped_column(String(80), default="")
    """How often it meets, as said ("elk kwartaal")."""
    gebied: Mapped[str] = mapped_column(String(20), default="")
    """The area a local table serves (a lokale projectgroep's gemeente), or empty."""

    versie: Mapped[Planversie] = relationship(back_populates="tafels", foreign_keys=[versie_id])
    leden: Mapped[list[Tafellid]] = relationship(cascade="all, delete-orphan", order_by="Tafellid.id")


class Tafellid(Basis):
    __tablename__ = "tafellid"
    __table_args__ = (UniqueConstraint("tafel_id", "partij_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tafel_id: Mapped[int] = mapped_column(ForeignKey("tafel.id", ondelete="CASCADE"), index=True)
    partij_id: Mapped[int] = mapped_column(ForeignKey("partij.id", ondelete="CASCADE"), index=True)

    partij: Mapped[Partij] = relationship()


class Fase(Basis):
    """One phase of a version with the six questions; WIE is not stored here but read from the role matrix."""

    __tablename__ = "fase"
    __table_args__ = (UniqueConstraint("versie_id", "fase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    versie_id: Mapped[int] = mapped_column(ForeignKey("planversie.id", ondelete="CASCADE"), index=True)
    fase: Mapped[str] = mapped_column(String(40))
    wat: Mapped[str] = mapped_column(Text, default="")
    hoe: Mapped[str] = mapped_column(Text, default="")
    waarom: Mapped[str] = mapped_column(Text, default="")
    waar: Mapped[str] = mapped_column(Text, default="")
    """CBS codes the phase works in, comma-separated; empty: the plan's own area."""
    waar_indeling: Mapped[str] = mapped_column(String(40), default="")
    """The division it works in: per gemeente or a kind of regio-indeling; empty when none."""
    begin: Mapped[date | None] = mapped_column(Date, nullable=True)
    einde: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="gepland")

    versie: Mapped[Planversie] = relationship(back_populates="fasen")
    mijlpalen: Mapped[list[Mijlpaal]] = relationship(cascade="all, delete-orphan",
                                                     order_by="Mijlpaal.id")
    """In date order: the rules store them sorted."""
    sessies: Mapped[list[Fasesessie]] = relationship(cascade="all, delete-orphan", order_by="Fasesessie.id")


class Mijlpaal(Basis):
    __tablename__ = "mijlpaal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fase_id: Mapped[int] = mapped_column(ForeignKey("fase.id", ondelete="CASCADE"), index=True)
    datum: Mapped[date] = mapped_column(Date)
    omschrijving: Mapped[str] = mapped_column(String(200))


class Fasesessie(Basis):
    """A werksessie held in a phase; removed with the werksessie, which knows nothing of plans."""

    __tablename__ = "fasesessie"
    __table_args__ = (UniqueConstraint("fase_id", "werksessie_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fase_id: Mapped[int] = mapped_column(ForeignKey("fase.id", ondelete="CASCADE"), index=True)
    werksessie_id: Mapped[int] = mapped_column(ForeignKey("werksessie.id", ondelete="CASCADE"), index=True)


WOONPRODUCTEN = {"housing_first": "Housing First-woning", "skaeve_huse": "Skaeve Huse", "domus": "Domus",
                 "maatwerkwoning": "Maatwerkwoning"}
"""What a gemeente can offer in its bod: homes for the regional task and woon-tussenvoorzieningen."""
AFSPRAAKVELDEN = ("aantal", "jaren", "eerste_jaar", "basis", "correctie", "minimum", "maximum")
"""The settings of a verdeelsleutel as a :class:`Regioafspraak` stores them."""
STATUS_REALISATIE = {"gereed": "Gereed", "in_voorbereiding": "In voorbereiding", "nog_niet": "Nog niet gestart"}


class Regioafspraak(Basis):
    """The verdeelsleutel of a regional plan's version: the settings, not the outcome.

    The shares are computed from these settings and the kaart when they are read (``regionaal.overzicht``), so
    they always follow the engine and the kaart's figures; the bounds are kept as typed (``2`` or
    ``GM0505=3, GM0642=1``), as the verdeel page takes them."""

    __tablename__ = "regioafspraak"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    versie_id: Mapped[int] = mapped_column(ForeignKey("planversie.id", ondelete="CASCADE"), unique=True)
    aantal: Mapped[int] = mapped_column(Integer)
    """Units a year."""
    jaren: Mapped[int] = mapped_column(Integer)
    eerste_jaar: Mapped[int] = mapped_column(Integer)
    """The calendar year of the verdeelsleutel's first year (its ``jaar_1``)."""
    basis: Mapped[str] = mapped_column(String(40))
    correctie: Mapped[float] = mapped_column(Float, default=0.0)
    minimum: Mapped[str] = mapped_column(String(2000), default="")
    maximum: Mapped[str] = mapped_column(String(2000), default="")


class Bod(Basis):
    """What one gemeente offers of one woonproduct in one year, with at most one candidate site."""

    __tablename__ = "bod"
    __table_args__ = (UniqueConstraint("versie_id", "gemeente", "woonproduct", "jaar"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    versie_id: Mapped[int] = mapped_column(ForeignKey("planversie.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(20))
    woonproduct: Mapped[str] = mapped_column(String(40))
    jaar: Mapped[int] = mapped_column(Integer)
    aantal: Mapped[int] = mapped_column(Integer)
    locatie: Mapped[str] = mapped_column(String(200), default="")
    """The candidate site in words ("Voormalig schoolterrein Noordstraat"), or empty."""
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)


class Realisatie(Basis):
    """How many of one woonproduct a gemeente has in one year in one state (``STATUS_REALISATIE``)."""

    __tablename__ = "realisatie"
    __table_args__ = (UniqueConstraint("versie_id", "gemeente", "woonproduct", "jaar", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    versie_id: Mapped[int] = mapped_column(ForeignKey("planversie.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(20))
    woonproduct: Mapped[str] = mapped_column(String(40))
    jaar: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    aantal: Mapped[int] = mapped_column(Integer)


ROLLEN_PLAN = {"eigenaar": "Eigenaar", "lezer": "Lezer"}
"""Who a plan link lets in: the owner changes the plan and its links, a reader only reads."""


class Plantoegang(Basis):
    """A link into a plan for one role: only the SHA-256 of its random token is stored (as for werksessies)."""

    __tablename__ = "plantoegang"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    rol: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ingetrokken: Mapped[bool] = mapped_column(Boolean, default=False)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime)
