"""What a werksessie stores: the session, its links, participants, annotations with their history,
votes and afspraken, as SQLAlchemy tables.

The schema stays portable (no SQLite-only types): geometry is GeoJSON text in
WGS84 with its bounding box in columns, so PostgreSQL/PostGIS can take over for
a shared server. Migrations (``migraties/``) create and change it; the models
here are what the migrations must produce (a test compares them).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

FASEN = {"ervaringsgegevens": "Ervaringsgegevens verzamelen", "prioritering": "Waarderen en prioriteren",
         "afspraken": "Afspraken maken"}
ACTIVITEITEN = {"tekenen": "Tekenen en toelichten", "stemmen": "Stippen zetten", "afspraken": "Afspraken maken"}
FASE_OPENT = {"ervaringsgegevens": ("tekenen",), "prioritering": ("stemmen",), "afspraken": ("afspraken",)}
"""What each phase opens when the facilitator chooses it; the facilitator can then open or close each."""
ROLLEN = {"facilitator": "Facilitator", "deelnemer": "Deelnemer", "lezer": "Alleen lezen"}
CATEGORIEEN = {"signaal": "Signaal", "zorg": "Zorg", "kans": "Kans", "idee": "Idee", "vraag": "Vraag"}
CATEGORIE_KLEUREN = {"signaal": "#b2182b", "zorg": "#762a83", "kans": "#1b7837", "idee": "#2166ac", "vraag": "#8a5a00"}
"""One colour per category, on the map and in its legend (dark enough for white text and thin lines)."""
ROLLEN_PARTIJ = {"adviseren": "Adviseren", "co-creeren": "Co-creëren", "meebeslissen": "Meebeslissen"}
STATUS_ANNOTATIE = {"zichtbaar": "Zichtbaar", "wacht": "Wacht op goedkeuring", "verborgen": "Verborgen"}
STATUS_AFSPRAAK = {"gepland": "Gepland", "lopend": "Lopend", "gereed": "Gereed", "vervallen": "Vervallen"}

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
          "pk": "pk_%(table_name)s"}


class Basis(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Werksessie(Basis):
    __tablename__ = "werksessie"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    titel: Mapped[str] = mapped_column(String(200))
    regio: Mapped[str] = mapped_column(String(200))
    fase: Mapped[str] = mapped_column(String(40))
    activiteiten: Mapped[str | None] = mapped_column(String(60), nullable=True)
    """The open activities, comma-separated; None: what the phase opens (``FASE_OPENT``)."""
    begin: Mapped[date] = mapped_column(Date)
    einde: Mapped[date] = mapped_column(Date)
    moderatie: Mapped[bool] = mapped_column(Boolean, default=False)
    """New annotations wait for the facilitator's approval before others see them."""
    alleen_eigen: Mapped[bool] = mapped_column(Boolean, default=True)
    """Participants may change only their own annotations (the facilitator any)."""
    stippen: Mapped[int] = mapped_column(Integer, default=5)
    """Votes (dots) each participant may spend."""
    bewaartermijn_dagen: Mapped[int] = mapped_column(Integer, default=90)
    """Days after the end date after which the free text is purged."""
    revisie: Mapped[int] = mapped_column(Integer, default=0)
    """Raised by every change, so a participant's page asks only for what changed since it last looked."""
    aangemaakt: Mapped[datetime] = mapped_column(DateTime)
    tekst_gewist: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    toegangen: Mapped[list[Toegang]] = relationship(back_populates="werksessie", cascade="all, delete-orphan")
    annotaties: Mapped[list[Annotatie]] = relationship(back_populates="werksessie", cascade="all, delete-orphan")
    afspraken: Mapped[list[Afspraak]] = relationship(back_populates="werksessie", cascade="all, delete-orphan")


class Toegang(Basis):
    """A link into a werksessie for one role: only the SHA-256 of its random token is stored."""

    __tablename__ = "toegang"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    werksessie_id: Mapped[int] = mapped_column(ForeignKey("werksessie.id", ondelete="CASCADE"), index=True)
    rol: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    verloopt: Mapped[datetime] = mapped_column(DateTime)
    ingetrokken: Mapped[bool] = mapped_column(Boolean, default=False)

    werksessie: Mapped[Werksessie] = relationship(back_populates="toegangen")


class Deelnemer(Basis):
    """Someone who opened a link: known by a signed session cookie, never by name."""

    __tablename__ = "deelnemer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    werksessie_id: Mapped[int] = mapped_column(ForeignKey("werksessie.id", ondelete="CASCADE"), index=True)
    toegang_id: Mapped[int | None] = mapped_column(ForeignKey("toegang.id", ondelete="SET NULL"), nullable=True)
    rol: Mapped[str] = mapped_column(String(20))
    aangemaakt: Mapped[datetime] = mapped_column(DateTime)


class Annotatie(Basis):
    __tablename__ = "annotatie"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    werksessie_id: Mapped[int] = mapped_column(ForeignKey("werksessie.id", ondelete="CASCADE"), index=True)
    auteur_id: Mapped[int | None] = mapped_column(ForeignKey("deelnemer.id", ondelete="SET NULL"), nullable=True)
    categorie: Mapped[str] = mapped_column(String(20))
    tekst: Mapped[str] = mapped_column(Text)
    naam: Mapped[str] = mapped_column(String(80), default="")
    """An optional display name the author typed (not an account)."""
    geometrie: Mapped[str] = mapped_column(Text)
    """GeoJSON geometry in WGS84 (EPSG:4326)."""
    soort: Mapped[str] = mapped_column(String(20))
    minx: Mapped[float] = mapped_column(Float)
    miny: Mapped[float] = mapped_column(Float)
    maxx: Mapped[float] = mapped_column(Float)
    maxy: Mapped[float] = mapped_column(Float)
    buurten: Mapped[str] = mapped_column(Text, default="")
    """Codes of the buurten the annotation touches, comma-separated."""
    status: Mapped[str] = mapped_column(String(20), default="zichtbaar")
    verwijderd: Mapped[bool] = mapped_column(Boolean, default=False)
    revisie: Mapped[int] = mapped_column(Integer, index=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime)
    gewijzigd: Mapped[datetime] = mapped_column(DateTime)

    werksessie: Mapped[Werksessie] = relationship(back_populates="annotaties")
    wijzigingen: Mapped[list[Wijziging]] = relationship(back_populates="annotatie", cascade="all, delete-orphan",
                                                        order_by="Wijziging.id")


class Wijziging(Basis):
    """One change to an annotation: who, what (before and after, as JSON), when."""

    __tablename__ = "wijziging"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annotatie_id: Mapped[int] = mapped_column(ForeignKey("annotatie.id", ondelete="CASCADE"), index=True)
    deelnemer_id: Mapped[int | None] = mapped_column(ForeignKey("deelnemer.id", ondelete="SET NULL"), nullable=True)
    rol: Mapped[str] = mapped_column(String(20))
    actie: Mapped[str] = mapped_column(String(20))
    voor: Mapped[str] = mapped_column(Text, default="")
    na: Mapped[str] = mapped_column(Text, default="")
    tijd: Mapped[datetime] = mapped_column(DateTime)

    annotatie: Mapped[Annotatie] = relationship(back_populates="wijzigingen")


class Stem(Basis):
    """Dots one participant put on one drukpunt (a CBS code) or annotation (its id)."""

    __tablename__ = "stem"
    __table_args__ = (UniqueConstraint("deelnemer_id", "doel_soort", "doel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    werksessie_id: Mapped[int] = mapped_column(ForeignKey("werksessie.id", ondelete="CASCADE"), index=True)
    deelnemer_id: Mapped[int] = mapped_column(ForeignKey("deelnemer.id", ondelete="CASCADE"))
    doel_soort: Mapped[str] = mapped_column(String(20))
    doel: Mapped[str] = mapped_column(String(40))
    aantal: Mapped[int] = mapped_column(Integer)


class Afspraak(Basis):
    """A SMART agreement for one area: what, who (parties and their role), when, a measurable target."""

    __tablename__ = "afspraak"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    werksessie_id: Mapped[int] = mapped_column(ForeignKey("werksessie.id", ondelete="CASCADE"), index=True)
    gebied: Mapped[str] = mapped_column(String(20))
    wat: Mapped[str] = mapped_column(Text)
    wie: Mapped[str] = mapped_column(Text)
    """JSON list of {"partij": ..., "rol": adviseren|co-creeren|meebeslissen}."""
    wanneer: Mapped[date] = mapped_column(Date)
    indicator: Mapped[str] = mapped_column(String(80), default="")
    huidige_waarde: Mapped[float | None] = mapped_column(Float, nullable=True)
    basisjaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The year of ``huidige_waarde`` (the kaart's figure when the afspraak was made): the baseline."""
    doelwaarde: Mapped[float | None] = mapped_column(Float, nullable=True)
    doeljaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="gepland")
    aangemaakt: Mapped[datetime] = mapped_column(DateTime)

    werksessie: Mapped[Werksessie] = relationship(back_populates="afspraken")
