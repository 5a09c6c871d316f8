"""The ``kaart`` command: build, demo, serve and describe a maatschappelijke kaart.

The command sits on top of everything (engine, adapters, web app) and turns
every foreseeable problem into one line naming the problem and the fix, with a
non-zero exit and no traceback (``--debug`` shows it). Output is only ever
written whole: a failed build leaves no file behind.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from pathlib import Path

import click
import pandas as pd

from kaart.errors import InputError, KaartError
from kaart.getallen import getal, lees_getal, met_teken

log = logging.getLogger("kaart")

DEMO_PAD = Path("data/demo/voorbeeldregio.gpkg")


class Voortgang:
    """Numbered progress lines on stderr, and the total time at the end."""

    def __init__(self, stappen: int):
        self.stappen, self.stap, self.start = stappen, 0, time.perf_counter()

    def __call__(self, tekst: str) -> None:
        self.stap += 1
        click.echo(f"[{self.stap}/{self.stappen}] {tekst} …", err=True)

    def klaar(self) -> None:
        click.echo(f"Klaar in {time.perf_counter() - self.start:.1f} s.", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.version_option(package_name="maatschappelijke-kaart")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Maatschappelijke kaart: CBS- en PDOK-gegevens per gemeente, wijk en buurt."""
    ctx.obj = {"debug": debug}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def _split_values(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "kaart"


class _BronOptie(click.Option):
    """``--bron``: its choices and help are the sources registered in ``layers`` (``layers.bouwbronnen``),
    looked up when the option is used or shown, so that only ``kaart build`` imports every source module."""

    def _bronnen(self, ctx: click.Context) -> None:
        from layers.bouwbronnen import bronnen

        alle = bronnen()
        vlag = {p.name: next(o for o in p.opts if o.startswith("--")) for p in ctx.command.params}
        gekozen = [f"{b.naam} when {vlag[b.gekozen_door]} is given" for b in alle.values() if b.gekozen_door]
        standaard = next(b.naam for b in alle.values() if b.standaard)
        self.type = click.Choice(list(alle))
        self.help = ("; ".join(f"{b.naam}: {b.uitleg}" for b in alle.values())
                     + f". Default: {', '.join([*gekozen, f'else {standaard}'])}.")

    def get_help_record(self, ctx: click.Context):
        self._bronnen(ctx)
        return super().get_help_record(ctx)

    def process_value(self, ctx: click.Context, value):
        self._bronnen(ctx)
        return super().process_value(ctx, value)


@cli.command()
@click.option("--gemeente", "-g", "gemeenten", multiple=True,
              help="Gemeente code (GM0505) or name; repeat or separate with commas. Files: default all.")
@click.option("--jaar", metavar="JAAR[-JAAR]",
              help="Year of the figures (CBS: 2017-2025; another year with --tabel), or a range (2017-2022): the "
                   "newest year's areas with every year's figures on them.")
@click.option("--bron", cls=_BronOptie)
@click.option("--bestand", "-b", "bestanden", multiple=True,
              help="A GeoPackage[:layer], GeoJSON, TopoJSON, shapefile or CSV with KWB figures and/or geometry; "
                   "append @JAAR for a file that names no year.")
@click.option("--uit", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Output GeoPackage (default data/kaart/<titel>-<jaar>.gpkg).")
@click.option("--titel", help="Title of the kaart (default: the gemeente names).")
@click.option("--profiel", help="Weighting of the drukpunt scores built into the kaart (default: algemeen).")
@click.option("--tabel", metavar="ID", help="CBS: the KWB table to read (e.g. 86165NED), for a year the project "
                                              "does not know yet. Default: the table of --jaar.")
@click.option("--odata", type=click.Choice(["auto", "v3", "v4"]), default="auto", show_default=True,
              help="CBS: which OData service to read; auto reads v3 and switches to v4 when v3 no longer "
                   "has the table.")
@click.option("--dubbel", type=click.Choice(["fout", "eerste"]), default="fout", show_default=True,
              help="Files: an area given twice with different values is an error (fout), or the first file's "
                   "value is kept and the conflict listed in the koppeling table (eerste).")
@click.option("--koppeltabel", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A range of years: a CSV of old code -> today's code for areas that were renumbered.")
def build(gemeenten, jaar, bron, bestanden, uit, titel, profiel, tabel, odata, dubbel, koppeltabel) -> None:
    """Build the kaart of a region as one GeoPackage."""
    from kaart.bouwen import build_kaart
    from kaart.profielen import profiel as check_profiel
    from kaart.kaartbestand import write_kaart
    from layers.bestanden import lees_koppeltabel
    from layers.bouwbronnen import Vraag, kies

    check_profiel(profiel)  # an unknown profile is refused before any work
    vanaf, jaar = _jaren(jaar)
    koppeling = lees_koppeltabel(koppeltabel) if koppeltabel else {}
    vraag = Vraag(_split_values(gemeenten), jaar, bestanden, tabel, odata, vanaf)
    bouwbron = kies(bron, vraag)
    stap = Voortgang(bouwbron.aantal_stappen(vraag) + 1)
    invoer = bouwbron.lees(vraag, stap, lambda tekst: click.echo(tekst, err=True))
    bekend, codes, jaar = invoer.bekend, invoer.codes, invoer.jaar
    namen = bekend.set_index("code")["naam"].reindex(codes).fillna(pd.Series(codes, index=codes)).tolist()
    titel = titel or (", ".join(namen) if len(namen) <= 3 else f"{namen[0]} e.a. ({len(namen)} gemeenten)")
    reeks = f"{min(invoer.eerdere)}-{jaar}" if invoer.eerdere else str(jaar)
    stap(f"Kaart samenstellen: {titel} ({reeks})")
    kaart = build_kaart(invoer.bronnen, gemeenten=codes, jaar=jaar, titel=titel, bron=bouwbron.naam,
                        profiel=profiel, nederland=invoer.nederland, dubbel=dubbel, eerdere=invoer.eerdere,
                        koppeltabel=koppeling)
    uit = uit or Path("data/kaart") / f"{_slug(titel)}-{reeks}.gpkg"
    write_kaart(kaart, uit)
    stap.klaar()
    _print_summary(kaart, uit)


def _jaren(tekst: str | None) -> tuple[int | None, int | None]:
    """``--jaar``: one year (``2022``) or a range (``2017-2022``), as (first year of a range, newest year)."""
    if tekst is None:
        return None, None
    van, streep, tot = tekst.strip().partition("-")
    try:
        jaren = (int(van), int(tot)) if streep else (None, int(van))
    except ValueError:
        raise click.BadParameter(f"{tekst!r} is not a year or a range of years.", param_hint="--jaar") from None
    if jaren[0] is not None and jaren[0] >= jaren[1]:
        raise click.BadParameter(f"{tekst}: the range must run from an older to a newer year (2017-2022).",
                                 param_hint="--jaar")
    return jaren


_MEERVOUD = {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten"}


def _print_summary(kaart, pad: Path) -> None:
    from kaart.profielen import profiel

    aantallen = ", ".join(f"{len(f)} {n if len(f) == 1 else _MEERVOUD[n]}" for n, f in kaart.gebieden.items())
    click.echo(f"Kaart geschreven: {pad} ({aantallen}).")
    fijnste = list(kaart.gebieden)[-1]
    _profielwaarschuwing(kaart, fijnste, profiel(kaart.metadata.get("profiel")),
                         kaart.metadata.get("ontbrekend", {}).get(fijnste, []))
    if len(kaart.koppeling):
        per = kaart.koppeling.groupby("probleem").size()
        click.echo("Niet gekoppeld: " + "; ".join(f"{n} met {p}" for p, n in per.items())
                   + f" (zie 'kaart info {pad}').")


def _profielwaarschuwing(kaart, niveau: str, p, ontbrekend: list[str]) -> None:
    """Say which of a profile's indicators the source lacks and which profiles it can carry."""
    from kaart import drukpunten as dp

    if not ontbrekend:
        return
    heeft = 1 - sum(p.gewichten[i] for i in ontbrekend) / sum(p.gewichten.values())
    gevolg = ("te weinig: geen enkel gebied krijgt een score" if heeft < dp.MIN_GEWICHT
              else f"een gebied krijgt een score met indicatoren voor minstens {dp.MIN_GEWICHT:.0%} van het gewicht")
    click.echo(f"Let op: de bron mist voor profiel '{p.naam}' {', '.join(ontbrekend)}; "
               f"er is {heeft:.0%} van het gewicht, {gevolg}.")
    if "indicatoren" in kaart.tabellen:
        dekking = dp.profieldekking(kaart.tabellen["indicatoren"], niveau)
        passend = [f"{n} ({d:.0%})" for n, d in sorted(dekking.items(), key=lambda x: -x[1]) if d >= dp.MIN_GEWICHT]
        if passend:
            click.echo(f"Profielen die deze bron wel kan dragen: {', '.join(passend)} (kies met --profiel).")


@cli.command()
@click.argument("kaart_pad", type=click.Path(dir_okay=False, path_type=Path))
def info(kaart_pad: Path) -> None:
    """Show what a kaart holds: region, year, sources, levels, unmatched codes, checks."""
    from kaart.kaartbestand import read_kaart
    from kaart.kolommen import statistic_columns

    kaart = read_kaart(kaart_pad)
    m = kaart.metadata
    click.echo(f"{m.get('titel')} — {m.get('jaar')}{'  [FICTIEF]' if m.get('fictief') else ''}")
    gemeenten = m.get("gemeenten", [])
    click.echo(f"Gemeenten ({len(gemeenten)}): {', '.join(gemeenten[:20])}{' …' if len(gemeenten) > 20 else ''}")
    click.echo(f"Gebouwd op: {m.get('gebouwd_op')}")
    for niveau, frame in kaart.gebieden.items():
        herkomst = frame["cijfers"].value_counts().to_dict() if "cijfers" in frame else {}
        uit = frame["opgeteld_uit"].dropna().unique() if "opgeteld_uit" in frame else []
        click.echo(f"  {niveau:9s} {len(frame):6d} gebieden, {len(statistic_columns(frame))} kolommen, cijfers: "
                   + ", ".join(f"{k} {v}" for k, v in herkomst.items())
                   + (f" (opgeteld uit {' en '.join(uit)})" if len(uit) else ""))
    for name, layer in kaart.extra.items():
        click.echo(f"  {name:22s} {len(layer):6d} objecten")
    punten = kaart.extra.get("voorzieningen")
    if punten is not None and len(punten):
        click.echo(f"Voorzieningen: {_per_categorie(punten)}")
        click.echo("  uit: " + "; ".join(f"{b['bron']} ({b['punten']})" for b in m.get("voorzieningen", [])))
    click.echo("Bronnen:")
    for b in m.get("bronnen", []):
        click.echo("  - " + ", ".join(f"{k}: {v}" for k, v in b.items()))
    click.echo(f"{m.get('attributie')}; licentie: {m.get('licentie')}")
    if m.get("profiel"):
        telling = ", ".join(f"{niveau} {int(f['drukpunt'].sum())} van {len(f)}"
                            for niveau, f in kaart.gebieden.items() if "drukpunt" in f)
        clusters = len(kaart.extra.get("drukpuntgebieden", []))
        click.echo(f"Drukpunten (profiel {m['profiel']}): {telling}; drukpuntgebieden (clusters): {clusters}")
    if "indicatoren" in kaart.tabellen:
        tabel = kaart.tabellen["indicatoren"]
        beschikbaar = tabel[tabel["status"] == "beschikbaar"].groupby("niveau").size()
        totaal = tabel.groupby("niveau").size()
        click.echo("Indicatoren met cijfers: " + ", ".join(
            f"{n} {beschikbaar.get(n, 0)} van {totaal[n]}" for n in kaart.gebieden if n in totaal))
    click.echo(f"Nederland als referentie: {m.get('nederland_bron') or 'niet bekend'}")
    _tijd(kaart)
    if len(kaart.koppeling):
        per = kaart.koppeling.groupby(kaart.koppeling["probleem"].str.replace(r" \(.*", "", regex=True)).size()
        click.echo(f"Niet gekoppeld ({len(kaart.koppeling)}): " + "; ".join(f"{n}× {p}" for p, n in per.items()))
        for row in kaart.koppeling.head(20).itertuples():
            click.echo(f"  {row.code} ({row.niveau}, {row.jaar}): {row.probleem}")
    if len(kaart.controle):
        inw = kaart.controle[kaart.controle["kolom"] == "inwoners"]
        click.echo("Officiële cijfers tegenover de som van de onderliggende gebieden (inwoners):")
        for row in inw.head(20).itertuples():
            verschil = met_teken(row.verschil, 0) if row.verschil else getal(row.verschil)
            click.echo(f"  {row.code}: officieel {getal(row.officieel)}, som {getal(row.som_onderliggend)}, "
                       f"verschil {verschil}")


def _tijd(kaart) -> None:
    """``kaart info``'s lines on time: the years the kaart holds, the figures filled from an older year (per
    level, column and year) and the areas an older year could not be brought onto."""
    from kaart import reeksen
    from kaart.figuurjaren import Figuurjaren
    from kaart.jaargangen import HARMONISATIE

    jaren = reeksen.jaren(kaart)
    click.echo(f"Jaren: {', '.join(map(str, jaren))}" + ("" if len(jaren) > 1 else " (alleen het jaar van de kaart)"))
    gevuld = Figuurjaren(kaart).per_kolom()
    if len(gevuld):
        click.echo(f"Uit een ouder jaar (de tabel van {kaart.jaar} had ze nog niet): "
                   f"{int(gevuld['aantal'].sum())} cijfers")
        for row in gevuld.sort_values(["niveau", "kolom", "jaar"]).itertuples():
            click.echo(f"  {row.niveau} {row.kolom}: {row.aantal}× uit {row.jaar}")
    niet = kaart.tabellen.get(HARMONISATIE)
    if niet is not None and len(niet):
        per = niet.groupby(["jaar", "niveau"]).size()
        click.echo(f"Niet op de gebieden van {kaart.jaar} te brengen ({len(niet)}): "
                   + "; ".join(f"{jaar} {niveau} {n}" for (jaar, niveau), n in per.items()))
        for row in niet.head(20).itertuples():
            wat = f"code van {row.jaar}" if row.kant == "oud" else f"gebied van {kaart.jaar}"
            kolom = f", {row.kolom}" if isinstance(row.kolom, str) and row.kolom else ""
            click.echo(f"  {row.jaar} {row.niveau} {row.code} ({wat}{kolom}): {row.reden}")
    for jaar, per_niveau in sorted(kaart.metadata.get("harmonisatie", {}).items()):
        for niveau, tekst in per_niveau.items():
            if tekst:
                click.echo(f"Harmonisatie {jaar} ({niveau}): {tekst}")


@cli.command()
@click.argument("kaart_pad", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--niveau", type=click.Choice(["buurt", "wijk", "gemeente"]), default="buurt", show_default=True)
@click.option("--profiel", help="Weighting (default: the one the kaart was built with). See --profielen.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many areas to list.")
@click.option("--csv", "csv_pad", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the whole ranking as CSV (';'-separated, UTF-8 with BOM, for Excel).")
@click.option("--gewicht", "gewichten", multiple=True, metavar="INDICATOR=GEWICHT",
              help="Set one indicator's weight (0 drops it), e.g. --gewicht wmo_per_1000=3; repeatable.")
@click.option("--profielen", is_flag=True, help="List the profiles and stop.")
def drukpunten(kaart_pad: Path, niveau: str, profiel: str | None, top: int, csv_pad: Path | None,
               gewichten: tuple[str, ...], profielen: bool) -> None:
    """Rank the areas of a level by drukpunt score, with the indicators that drive each."""
    from kaart import drukpunten as dp
    from kaart.export import write_csv
    from kaart.kaartbestand import read_kaart
    from kaart.profielen import profielen as alle_profielen

    if profielen:
        for p in alle_profielen().values():
            click.echo(f"{p.naam:22s} {p.label}: {p.uitleg}")
        return
    gewicht = _instellingen(gewichten, "--gewicht", "INDICATOR=GEWICHT", "wmo_per_1000=3 (see 'kaart info KAART' for the indicators)")
    kaart = read_kaart(kaart_pad)
    lijst, p, ontbrekend = dp.ranglijst(kaart, niveau, profiel or kaart.metadata.get("profiel"), gewicht)
    flagged = int(lijst["drukpunt"].sum())
    fictief = "  [FICTIEF]" if kaart.metadata.get("fictief") else ""
    click.echo(f"{kaart.metadata.get('titel')} — {niveau}, profiel '{p.label}'{fictief}: "
               f"{flagged} drukpunt(en) van {len(lijst)} gebieden (drempel {dp.DREMPEL}, "
               f"minimaal {dp.MIN_INWONERS} inwoners). {kaart.bronvermelding}.")
    if gewicht:
        click.echo(p.uitleg)
    _profielwaarschuwing(kaart, niveau, p, ontbrekend)
    for row in lijst.head(top).itertuples():
        inwoners = "?" if pd.isna(row.inwoners) else getal(row.inwoners)
        score = "geen" if pd.isna(row.drukpuntscore) else met_teken(row.drukpuntscore)
        if pd.isna(row.rang_min):
            bereik = ""
        elif row.rang_min == row.rang_max:
            bereik = " (rang gelijk bij andere gewichten)"
        else:
            bereik = f" (rang {row.rang_min:.0f}-{row.rang_max:.0f} bij andere gewichten)"
        click.echo(f"{row.rang:4.0f}. {row.naam} ({row.Index}, {row.gemeentenaam}), {inwoners} inwoners: "
                   f"score {score}{' DRUKPUNT' if row.drukpunt else ''}{bereik}")
        if isinstance(row.redenen, str) and row.redenen:
            click.echo(f"      {row.redenen}")
    if csv_pad:
        write_csv(lijst, csv_pad)
        click.echo(f"Ranglijst geschreven: {csv_pad}")


@cli.command()
@click.argument("kaart_pad", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--profiel", default="skaeve-huse", show_default=True, metavar="skaeve-huse|domus|eigen|PAD",
              help="Woonvorm profile: a shipped one or a .toml file. See --profielen.")
@click.option("--gemeente", help="Search only this gemeente (code or name, e.g. GM0505 or Dordrecht); facilities "
                                "elsewhere still count.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1, max=1000),
              help="How many candidate areas (or sites) to rank.")
@click.option("--uit", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the candidates: .geojson (WGS84), .gpkg (RD New) or .csv (Excel).")
@click.option("--gewicht", "gewichten", multiple=True, metavar="VOORKEUR=GEWICHT",
              help="Set a preference's weight, e.g. --gewicht zorg=3 (0 leaves it out); repeatable.")
@click.option("--afstand", "afstanden", multiple=True, metavar="UITSLUITING=METER",
              help="Set an exclusion's buffer in metres, e.g. --afstand scholen=750; repeatable.")
@click.option("--locaties", "locaties_pad", metavar="BESTAND[:LAAG]",
              help="Score these candidate sites (GeoJSON/GeoPackage parcels or points) instead of the 100 m grid.")
@click.option("--profielen", is_flag=True, help="List the profiles with their criteria and stop.")
def locaties(kaart_pad: Path, profiel: str, gemeente: str | None, top: int, uit: Path | None,
             gewichten: tuple[str, ...], afstanden: tuple[str, ...], locaties_pad: str | None,
             profielen: bool) -> None:
    """Find and explain candidate locations for Skaeve Huse, Domus or another woonvorm."""
    from kaart import locatiezoeker as lz
    from kaart.kaartbestand import read_kaart
    from kaart.regio import resolve_gemeenten
    from kaart.woonvormen import woonvorm, woonvormen

    if profielen:
        for w in woonvormen().values():
            click.echo(f"{w.naam}: {w.label}. {w.uitleg}")
            for c in w.uitsluitingen:
                click.echo(f"  uitsluiting {c.id:22s} {c.afstand_m:6.0f} m   {c.uitleg}")
            for c in w.voorkeuren:
                click.echo(f"  voorkeur    {c.id:22s} gewicht {c.gewicht:g}   {c.uitleg}")
        return
    soort = _exportsoort(uit) if uit else None
    w = woonvorm(profiel)
    gekozen = w.met(_instellingen(gewichten, "--gewicht", "VOORKEUR=GEWICHT", "zorg=3"),
                    _instellingen(afstanden, "--afstand", "UITSLUITING=METER", "scholen=750"))
    kaart = read_kaart(kaart_pad)
    sites = None
    if locaties_pad:
        from kaart.locaties import load_locaties

        sites = load_locaties(locaties_pad)
    if gemeente:
        bekend = kaart.gebieden["gemeente"]["naam"].rename_axis("code").reset_index() if "gemeente" in kaart.gebieden \
            else pd.DataFrame({"code": [], "naam": []})
        gemeente = resolve_gemeenten([gemeente], bekend)[0]
    metingen = lz.meet(kaart, w, locaties=sites)
    u = lz.beoordeel(metingen, gekozen, top=top, gemeente=gemeente)
    _print_locaties(kaart, u)
    if uit:
        from kaart.export import write_bytes

        write_bytes(lz.exportbestand(u, soort), uit)
        click.echo(f"Kandidaten geschreven: {uit}")


def _instellingen(values: tuple[str, ...], optie: str, vorm: str, voorbeeld: str) -> dict[str, float]:
    """``--gewicht id=3``-style options as a mapping; a malformed one is an InputError showing the form."""
    result = {}
    for value in _split_values(values):
        naam, _, tekst = value.partition("=")
        try:
            result[naam.strip()] = lees_getal(tekst)
        except ValueError:
            raise InputError(f"{optie} {value!r} is not {vorm}.", f"Write it like {optie} {voorbeeld}.") from None
    return result


def _print_locaties(kaart, u) -> None:
    m = u.metingen
    fictief = "  [FICTIEF]" if kaart.metadata.get("fictief") else ""
    eenheid, totaal, over = m.eenheid, u.gezocht, u.overgebleven
    click.echo(f"Locatiezoeker — {u.woonvorm.label}, {kaart.metadata.get('titel')}{fictief}. {kaart.bronvermelding}.")
    waar = f"in {u.gemeentenaam}" if u.gemeente else "in de regio"
    gezocht = f"land {waar} op het 100 m-raster" if u.is_raster else f"opgegeven locaties {waar}"
    click.echo(f"Gezocht: {getal(totaal)} {eenheid} {gezocht}; na de uitsluitingen blijft {getal(over)} {eenheid}"
               f"{f' ({over / totaal:.0%})' if totaal else ''}.")
    click.echo("Uitsluitingen (wat elk weghaalt, en wat alleen die):")
    for row in u.overzicht.itertuples():
        if row.toegepast:
            waar = "op of tegen" if row.afstand_m == 0 else f"binnen {getal(row.afstand_m)} m van"
            click.echo(f"  {waar} {row.label.lower()}: {getal(row.uitgesloten)} {eenheid}, "
                       f"alleen hierdoor {getal(row.alleen_hierdoor)}")
        else:
            click.echo(f"  {row.label}: niet toegepast (geen gegevens)")
    for tekst in u.waarschuwingen:
        click.echo(f"Let op: {tekst}")
    if u.melding:
        click.echo(u.melding)
        return
    for row in u.lijst.itertuples():
        if u.is_raster:
            click.echo(f"{row.rang:4d}. kavel van {getal(row.oppervlakte_ha)} ha bij {row.buurtnaam} "
                       f"({row.gemeentenaam}): score {getal(row.score, 2)}, beste vierkant {row.beste_cel}; in een "
                       f"gebied van {getal(row.gebied_oppervlakte_ha)} ha (gemiddeld {getal(row.gebied_gemiddelde_score, 2)})")
        else:
            rang = f"{row.rang:4.0f}." if row.geschikt and not pd.isna(row.rang) else "   –"
            score = f"score {getal(row.score, 2)}" if row.geschikt else "geen kandidaat"
            plek = f" in {row.buurtnaam} ({row.gemeentenaam})" if row.buurtnaam else ""
            click.echo(f"{rang} {row.naam}{plek}: {score}")
        click.echo(f"      {row.waarom}")
    if u.tekort:
        click.echo(u.tekort)


def _exportsoort(pad: Path) -> str:
    """The export type ``--uit`` asks for by its name's ending; refused before any work is done."""
    from kaart.locatiezoeker import EXPORTSOORTEN

    soort = {".json": "geojson"}.get(pad.suffix.lower(), pad.suffix.lower().lstrip("."))
    if soort not in EXPORTSOORTEN:
        raise InputError(f"--uit {pad} has an unknown type.", "End the name in .geojson, .gpkg or .csv.")
    return soort


@cli.group()
def voorzieningen() -> None:
    """Add facilities (voorzieningen) to a kaart: from a file, or from OpenStreetMap."""


@voorzieningen.command("import")
@click.argument("kaart_pad", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("bestand")
@click.option("--categorie", help="Category of every row (e.g. huisarts); default: the file's category column.")
@click.option("--kolommen", help="Which columns hold what, e.g. naam=Locatie,categorie=Soort,x=X_RD,y=Y_RD. "
                                 "Fields: naam, categorie, lat, lon, x, y, plaatsen, adres.")
def voorzieningen_import(kaart_pad: Path, bestand: str, categorie: str | None, kolommen: str | None) -> None:
    """Import facility points from a CSV, GeoJSON, GeoPackage[:layer] or shapefile into KAART.

    Importing the same file again replaces its points. Rows that cannot be
    used are listed with their line numbers; the others are loaded.
    """
    from kaart.geobestand import parse_spec
    from layers.voorzieningen import load_voorzieningen, parse_kolommen

    mapping = parse_kolommen(kolommen)
    kaart = _kaart_voor_voorzieningen(kaart_pad)
    stap = Voortgang(2)
    stap(f"Voorzieningen lezen uit {Path(bestand).name}")
    pad, laag = parse_spec(bestand)
    gelezen = load_voorzieningen(pad, categorie=categorie, kolommen=mapping, laag=laag)
    for row in gelezen.afgewezen.head(_MAX_REGELS).itertuples():
        click.echo(f"  regel {row.regel}: {row.probleem}", err=True)
    if len(gelezen.afgewezen) > _MAX_REGELS:
        click.echo(f"  … en nog {len(gelezen.afgewezen) - _MAX_REGELS} regels", err=True)
    _voeg_toe(kaart, kaart_pad, gelezen.punten, gelezen.info["bron"], stap,
              overgeslagen=len(gelezen.afgewezen))


@voorzieningen.command("osm")
@click.argument("kaart_pad", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--categorie", "categorieen", multiple=True,
              help="Only these categories (repeat or separate with commas); default every category with OSM tags.")
def voorzieningen_osm(kaart_pad: Path, categorieen: tuple[str, ...]) -> None:
    """Fetch the region's facilities from OpenStreetMap (Overpass; online) into KAART."""
    from kaart.voorzieningen import RAND_M, regiovorm
    from layers.osm import load_osm

    kaart = _kaart_voor_voorzieningen(kaart_pad)
    stap = Voortgang(2)
    stap("Voorzieningen ophalen bij OpenStreetMap (Overpass)")
    punten = load_osm(regiovorm(kaart).buffer(RAND_M), _split_values(categorieen) or None)
    _voeg_toe(kaart, kaart_pad, punten, "OpenStreetMap", stap)


_MAX_REGELS = 30


def _per_categorie(punten) -> str:
    """"6 huisartsenpraktijken, 1 apotheek": facilities counted per category, most first."""
    from kaart.categorieen import categorieen

    labels = categorieen()
    per = punten.groupby("categorie").size().sort_values(ascending=False)
    return ", ".join(f"{n} {labels[c].meervoud if n != 1 else labels[c].label}" if c in labels else f"{n} {c}"
                     for c, n in per.items()) or "geen"


def _kaart_voor_voorzieningen(kaart_pad: Path):
    from kaart.kaartbestand import read_kaart

    kaart = read_kaart(kaart_pad)
    if kaart.metadata.get("fictief"):
        click.echo("Let op: dit is de fictieve Voorbeeldregio.", err=True)
    return kaart


def _voeg_toe(kaart, kaart_pad: Path, punten, bron: str, stap: Voortgang, overgeslagen: int = 0) -> None:
    """Join the points, analyse again, write the kaart whole and say what happened."""
    from kaart.kaartbestand import write_kaart
    from kaart.voorzieningen import RAND_M, voeg_toe

    stap(f"{len(punten)} voorzieningen koppelen aan de gebieden en de drukpunten opnieuw berekenen")
    buiten = voeg_toe(kaart, punten, bron)
    write_kaart(kaart, kaart_pad)
    stap.klaar()
    geladen = punten[~punten.index.isin(buiten.index)] if len(buiten) else punten
    click.echo(f"{len(geladen)} voorzieningen uit {bron} in {kaart_pad}: {_per_categorie(geladen)}")
    if len(buiten):
        click.echo(f"{len(buiten)} lagen verder dan {RAND_M // 1000} km buiten de regio en zijn niet geladen:")
        for r in buiten.head(_MAX_REGELS).itertuples():
            waar = f"regel {r.regel}: " if hasattr(r, "regel") else ""
            click.echo(f"  {waar}{r.naam}, {r.afstand_tot_regio_m / 1000:.0f} km buiten de regio")
        if len(buiten) > _MAX_REGELS:
            click.echo(f"  … en nog {len(buiten) - _MAX_REGELS}")
    if overgeslagen:
        click.echo(f"{overgeslagen} regels niet geladen (zie hierboven).")


@cli.command()
@click.argument("kaart_pad", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--aantal", "-n", required=True, type=int, help="Units to share per year (N).")
@click.option("--regio", help="A region of the kaart's regio-indelingen, e.g. 'zorgkantoorregio:Zuid-Holland Zuid' "
                              "or just its name. Default: all gemeenten of the kaart.")
@click.option("--jaren", default=1, show_default=True, type=int, help="Number of years (J).")
@click.option("--basis", default="huishoudens", show_default=True, help="huishoudens, inwoners or sociale_huur.")
@click.option("--correctie", default=0.0, show_default=True, type=float,
              help="Strength of the correction for existing zorgdruk, 0 (none) to 1.")
@click.option("--min", "minimum", multiple=True, metavar="N|GM0505=N",
              help="Minimum per gemeente per year: one number for all, or per code (repeatable).")
@click.option("--max", "maximum", multiple=True, metavar="N|GM0505=N",
              help="Maximum per gemeente per year: one number for all, or per code (repeatable).")
@click.option("--csv", "csv_pad", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the table as CSV (';'-separated, decimal comma, UTF-8 with BOM, for Excel).")
def verdeel(kaart_pad: Path, aantal: int, regio: str | None, jaren: int, basis: str, correctie: float,
            minimum: tuple[str, ...], maximum: tuple[str, ...], csv_pad: Path | None) -> None:
    """Share a regional task (N units a year) over the gemeenten by a verdeelsleutel."""
    from kaart.export import write_csv
    from kaart.kaartbestand import read_kaart
    from kaart.verdeelsleutel import verdeel_kaart

    grenzen = _grens("--min", "minimum", minimum), _grens("--max", "maximum", maximum)
    kaart = read_kaart(kaart_pad)
    v = verdeel_kaart(kaart, aantal=aantal, regio=regio, jaren=jaren, basis=basis, correctie=correctie,
                      minimum=grenzen[0], maximum=grenzen[1])
    fictief = "  [FICTIEF]" if kaart.metadata.get("fictief") else ""
    per = f"{getal(aantal)} per jaar" + (f", {jaren} jaar: {getal(aantal * jaren)} in totaal" if jaren > 1 else "")
    click.echo(f"Verdeling over {v.regio} ({len(v.tabel)} gemeenten), {per}; basis {basis}, "
               f"correctie {getal(correctie, 2)}{fictief}. {kaart.bronvermelding}.")
    jaarkolommen = v.jaarkolommen if jaren <= 5 else []
    kop = (f"{'Gemeente':24s} {'basis':>9s} {'aandeel':>8s} {'factor':>7s} {'quotum':>8s} "
           + "".join(f"{'j' + str(t + 1):>5s}" for t in range(len(jaarkolommen)))
           + f" {'totaal':>7s} {'effect':>7s}")
    click.echo(kop)
    for code, r in v.tabel.iterrows():
        click.echo(f"{str(r['naam'])[:24]:24s} {getal(r['basis']):>9s} {getal(r['aandeel'] * 100, 1) + '%':>8s} "
                   f"{getal(r['correctiefactor'], 2):>7s} {getal(r['quotum'], 2):>8s} "
                   + "".join(f" {getal(r[k]):>4s}" for k in jaarkolommen)
                   + f" {getal(r['totaal']):>7s} {met_teken(int(r['effect_correctie']), 0):>7s}")
    click.echo(v.formule)
    if v.gemiddelde is not None:
        click.echo(f"Regiogemiddelde bestaande zorgdruk: {getal(v.gemiddelde, 2)} plaatsen per 1.000 ({basis}). "
                   f"{kaart.voorzieningen_bronvermelding}.")
    if csv_pad:
        write_csv(v.tabel_met_instellingen(), csv_pad)
        click.echo(f"Verdeling geschreven: {csv_pad}")


def _grens(optie: str, naam: str, values: tuple[str, ...]) -> int | dict[str, int] | None:
    """``--min 2`` (all gemeenten) or ``--min GM0505=3`` (repeatable) as the engine's bound, read by the engine."""
    from kaart.verdeelsleutel import lees_grens

    try:
        return lees_grens(", ".join(_split_values(values)), naam)
    except InputError as err:
        raise InputError(f"{optie} {' '.join(values)}: {err.problem}",
                         f"{err.fix} Herhaal de optie per gemeente: {optie} GM0505=3 {optie} GM0642=1.") from None


@cli.group("regio-indelingen")
def regio_indelingen() -> None:
    """Regio-indelingen (woningmarktregio, zorgkantoorregio, ...) of the gemeenten, for the verdeelsleutel."""


@regio_indelingen.command("import")
@click.argument("kaart_pad", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("map_", metavar="[MAP]", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--jaar", type=int, help="Year of the files in MAP (default 2016, the regioatlas).")
def regio_indelingen_import(kaart_pad: Path, map_: Path | None, jaar: int | None) -> None:
    """Store the regio-indelingen in the kaart: from regioatlas CSV files in MAP, or (online) from CBS
    'Gebieden in Nederland' of the kaart's year. Old gemeente codes are mapped to this year's gemeenten."""
    from kaart.kaartbestand import read_kaart, write_kaart
    from kaart.verdeelsleutel import INDELINGEN
    from layers import regio_indelingen as ri

    kaart = read_kaart(kaart_pad)
    indeling = ri.load_regioatlas(map_, jaar or 2016) if map_ else ri.load_cbs(jaar or kaart.jaar)
    omgezet, meldingen = ri.naar_jaar(indeling, kaart.jaar)
    kaart.tabellen[INDELINGEN] = omgezet
    write_kaart(kaart, kaart_pad)
    in_kaart = omgezet[omgezet["gemeentecode"].isin(kaart.gebieden["gemeente"].index)]
    click.echo(f"Regio-indelingen opgeslagen in {kaart_pad}: {len(omgezet)} regels, "
               f"{omgezet['soort'].nunique()} soorten ({', '.join(sorted(set(omgezet['soort'])))}); "
               f"{in_kaart['gemeentecode'].nunique()} gemeenten van de kaart.")
    gefuseerd = in_kaart.dropna(subset=["fusiejaar"]).drop_duplicates("gemeentecode")
    for r in gefuseerd.itertuples():
        click.echo(f"  {r.gemeentecode} {r.gemeentenaam}: uit {r.oorspronkelijk} (fusie {r.fusiejaar})")
    for regio in sorted({f"{s}:{r}" for s, r in zip(in_kaart["soort"], in_kaart["regio"])}):
        click.echo(f"  {regio}")
    for melding in meldingen:
        click.echo(f"Let op: {melding}")


def _serve(kaart_pad: Path, host: str, port: int, dev: bool) -> None:
    from webapp.serve import serve as run

    run(kaart_pad, host=host, port=port, dev=dev,
        bij_start=lambda: click.echo(f"De kaart draait op http://{host}:{port}  (stoppen: Ctrl+C)", err=True))


_host = click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
_port = click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
_dev = click.option("--dev", is_flag=True, help="Flask's development server (auto-reload, debugger) instead of waitress.")


@cli.command()
@click.argument("kaart_pad", type=click.Path(dir_okay=False, path_type=Path))
@_host
@_port
@_dev
def serve(kaart_pad: Path, host: str, port: int, dev: bool) -> None:
    """Serve a built kaart in the web app.

    Waitress with settings for a werksessie of sixty (webapp/serve.py). Behind a reverse proxy that ends
    HTTPS: listen on 127.0.0.1 and set KAART_BASIS_URL = "https://kaart.gemeente.nl" in instance/config.py,
    so links come from it (never from the Host header), other host names are refused and the cookie is
    Secure.
    """
    _serve(kaart_pad, host, port, dev)


@cli.command()
@click.option("--uit", "-o", type=click.Path(dir_okay=False, path_type=Path), default=DEMO_PAD, show_default=True)
@click.option("--alleen-bouwen", is_flag=True, help="Build the demo kaart without serving it.")
@_host
@_port
@_dev
def demo(uit: Path, alleen_bouwen: bool, host: str, port: int, dev: bool) -> None:
    """Build the fictitious Voorbeeldregio and serve it."""
    from kaart.kaartbestand import write_kaart
    from layers.demo import build_demo

    stap = Voortgang(1)
    stap("Fictieve Voorbeeldregio genereren")
    kaart = build_demo()
    write_kaart(kaart, uit)
    stap.klaar()
    _print_summary(kaart, uit)
    if not alleen_bouwen:
        _serve(uit, host, port, dev)


OPTIES = {"gemeente": "--gemeente", "jaar": "--jaar", "dubbel": "--dubbel", "profiel": "--profiel",
          "gewicht": "--gewicht", "niveau": "--niveau", "minimum": "--min", "maximum": "--max",
          "bron": "--bron", "laag": "BESTAND:LAAG", "regio": "--regio", "basis": "--basis", "kaart": "kaart build", "voorzieningen": "kaart voorzieningen import",
          "regio-indelingen": "kaart regio-indelingen import KAART [MAP]", "woonvorm": "kaart locaties --profielen"}
"""Where the command takes each input an engine error can ask for (see kaart.errors)."""


def _melding(err: KaartError) -> str:
    """The engine's message with the flag or command that gives the input it asks for: ``... (--jaar 2023)``."""
    optie = OPTIES.get(err.parameter or "")
    if optie is None:
        return str(err)
    return f"{err} ({optie}{'' if err.waarde is None else f' {err.waarde}'})"


def main() -> None:
    """Entry point: run the command, turning known problems into one line and an exit code."""
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("\nAfgebroken; er is niets half geschreven.", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except KaartError as err:
        if debug:
            raise
        click.echo(f"fout: {_melding(err)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("\nAfgebroken; er is niets half geschreven.", err=True)
        sys.exit(130)
    except OSError as err:
        if debug:
            raise
        click.echo(f"fout: {err.strerror or err} ({getattr(err, 'filename', '') or ''}). "
                   "Check the path and permissions.", err=True)
        sys.exit(1)
    except Exception as err:  # the last resort: one line, never a traceback unless asked
        if debug:
            raise
        click.echo(f"fout (onverwacht): {type(err).__name__}: {err}. "
                   "Run again with --debug for details and report it.", err=True)
        sys.exit(1)
