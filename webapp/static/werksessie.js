/* The werksessie page: draw on the map, see everyone's annotations appear, spend dots, record afspraken.
 *
 * Every text that came from a participant or the data is put on the page with textContent, never as
 * HTML, so nobody can inject markup into someone else's screen. State-changing requests send the page's
 * CSRF token in the X-CSRFToken header. The page polls for changes every POLL_MS with ?sinds=<revision>,
 * so a participant sees a colleague's drawing within a few seconds.
 */
(function () {
  "use strict";
  var POLL_MS = 2000;
  var cfg = JSON.parse(document.getElementById("werksessie-instellingen").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var api = "/werksessies/" + cfg.ws + "/api/";
  var revisie = 0;
  var annotaties = {};   // id -> {data, layer}
  var mijnStippen = {};  // "soort:doel" -> dots

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function verzoek(method, path, body) {
    var opts = {method: method, headers: {"Accept": "application/json"}, credentials: "same-origin"};
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    if (method !== "GET") { opts.headers["X-CSRFToken"] = csrf; }
    return fetch(api + path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var melding = (data.fout && data.fout.melding) || "Er ging iets mis (" + r.status + ").";
          throw new Error(melding);
        }
        return data;
      });
    });
  }

  // --- the map: the region, its areas and their names, to find one's way by --------------------------------
  var map = Kaarten.maak("kaart");
  map.fitBounds([[cfg.grens[0], cfg.grens[1]], [cfg.grens[2], cfg.grens[3]]]);
  var kleuren = cfg.kleuren;
  var regio = null;          // the region's outline (GeoJSON geometry), to keep drawings inside
  var gebieden = {};         // search label -> {code, layer}
  var gemarkeerd = null;
  var naamVan = {};          // area code -> name, for what an annotation touches
  var STIJL = {gemeente: {color: "#333", weight: 2.5, fill: false},
               wijk: {color: "#555", weight: 1.5, dashArray: "6 4", fill: false},
               buurt: {color: "#777", weight: 0.8, fillOpacity: 0, fill: true}};
  var NAAM_VANAF = {gemeente: [0, 12], wijk: [12, 14], buurt: [14, 30]};  // zoom range of each level's names

  var drukpuntlaag = L.geoJSON(cfg.drukpunten, {
    style: {color: "#d95f02", weight: 2, fillColor: "#d95f02", fillOpacity: 0.15, dashArray: "4 3"},
    onEachFeature: function (f, layer) {
      layer.bindTooltip(el("span", {}, "Drukpunt " + f.properties.naam));
    }
  }).addTo(map);
  var annotatielaag = L.featureGroup().addTo(map);
  var lagencontrole = L.control.layers(null, {"Drukpunten": drukpuntlaag, "Annotaties": annotatielaag},
                                       {collapsed: true, position: "topright"}).addTo(map);

  function namenVoorZoom() {
    var zoom = map.getZoom();
    Object.keys(NAAM_VANAF).forEach(function (niveau) {
      var r = NAAM_VANAF[niveau];
      map.getContainer().classList.toggle("toon-" + niveau, zoom >= r[0] && zoom < r[1]);
    });
  }
  map.on("zoomend", namenVoorZoom);

  function markeer(gebied) {
    if (gemarkeerd) { gemarkeerd.laag.setStyle(STIJL[gemarkeerd.niveau]); }
    gemarkeerd = gebied;
    gebied.laag.setStyle({color: "#000", weight: 4, fillColor: "#ffd92f", fillOpacity: 0.25, fill: true});
    gebied.laag.bringToFront();
    map.fitBounds(gebied.laag.getBounds(), {maxZoom: 16});
  }

  function kiesVoorAfspraak(gebied) {
    var code = document.getElementById("af-gebied");
    if (!code) { return; }
    code.value = gebied.code;
    document.getElementById("af-gebiedsnaam").value = gebied.label;
  }

  verzoek("GET", "kaartlagen").then(function (lagen) {
    regio = lagen.regio.features.length ? lagen.regio.features[0].geometry : null;
    L.geoJSON(lagen.regio, {style: {color: "#000", weight: 3.5, fill: false}, interactive: false}).addTo(map);
    var lijst = document.getElementById("gebiedsnamen");
    lagen.niveaus.forEach(function (n) {
      var laag = L.geoJSON(n.gebieden, {
        style: STIJL[n.niveau] || STIJL.buurt,
        interactive: n.niveau === "buurt" || !lagen.niveaus.some(function (m) { return m.niveau === "buurt"; }),
        onEachFeature: function (f, sub) {
          var p = f.properties;
          var label = p.naam + (p.gemeentenaam ? " (" + (n.niveau === "wijk" ? "wijk, " : "") + p.gemeentenaam + ")" :
                                n.niveau === "gemeente" ? " (gemeente)" : "");
          var gebied = {code: p.code, label: label, laag: sub, niveau: n.niveau};
          gebieden[label] = gebied;
          naamVan[p.code] = p.naam;
          lijst.appendChild(el("option", {value: label}));
          sub.bindTooltip(el("span", {}, p.naam), {permanent: true, direction: "center",
                                                   className: "gebiedsnaam naam-" + n.niveau, interactive: false});
          sub.on("click", function () { kiesVoorAfspraak(gebied); });
        }
      });
      laag.addTo(map);
      lagencontrole.addOverlay(laag, n.label);
    });
    drukpuntlaag.bringToFront();
    annotatielaag.bringToFront();
    namenVoorZoom();
  }).catch(function (err) { document.getElementById("zoekmelding").textContent = err.message; });

  function zoekGebied(veld, melding) {
    var gebied = gebieden[veld.value];
    if (gebied) { markeer(gebied); if (melding) { melding.textContent = gebied.label + " staat nu in beeld."; } }
    return gebied;
  }
  document.getElementById("zoek-gebied").addEventListener("change", function (ev) {
    if (!zoekGebied(ev.target, document.getElementById("zoekmelding"))) {
      document.getElementById("zoekmelding").textContent = "Geen gebied met die naam. Kies een naam uit de lijst.";
    }
  });

  // --- inside the region: every point is checked while it is drawn ------------------------------------------
  function inRing(punt, ring) {
    var binnen = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a[1] > punt[1]) !== (b[1] > punt[1]) &&
          punt[0] < (b[0] - a[0]) * (punt[1] - a[1]) / (b[1] - a[1]) + a[0]) { binnen = !binnen; }
    }
    return binnen;
  }
  function inRegio(latlng) {
    if (!regio) { return true; }  // the outline has not arrived: the server still checks
    var punt = [latlng.lng, latlng.lat];
    var vlakken = regio.type === "Polygon" ? [regio.coordinates] : regio.coordinates;
    return vlakken.some(function (vlak) {
      return inRing(punt, vlak[0]) && !vlak.slice(1).some(function (gat) { return inRing(punt, gat); });
    });
  }
  var BUITEN = "Dit punt ligt buiten de regio. Teken binnen de dikke zwarte lijn.";

  // --- drawing with labelled tools ---------------------------------------------------------------------------
  var formulier = document.getElementById("annotatieformulier");
  var wachtend = null;
  var actief = null;
  var tekenmelding = document.getElementById("tekenmelding");
  function meld(tekst) { tekenmelding.textContent = tekst; tekenmelding.hidden = !tekst; }
  if (formulier && L.Draw) {
    var h = L.drawLocal.draw.handlers;
    h.marker.tooltip.start = "Tik of klik op de kaart om het punt te zetten.";
    h.polyline.error = "Een lijn mag zichzelf niet kruisen.";
    h.polyline.tooltip = {start: "Tik of klik om de lijn te beginnen.", cont: "Tik of klik voor het volgende punt.",
                          end: "Tik nog een keer op het laatste punt, of kies ‘Klaar’."};
    h.polygon.tooltip = {start: "Tik of klik om het vlak te beginnen.", cont: "Tik of klik voor het volgende punt.",
                         end: "Tik op het eerste punt om het vlak te sluiten, of kies ‘Klaar’."};
    h.rectangle.tooltip.start = "Druk en sleep om een rechthoek te tekenen.";
    h.simpleshape.tooltip.end = "Laat los om af te ronden.";
    var gereedschap = {
      punt: new L.Draw.Marker(map, {}),
      lijn: new L.Draw.Polyline(map, {shapeOptions: {color: "#111"}}),
      vlak: new L.Draw.Polygon(map, {allowIntersection: false, showArea: false, shapeOptions: {color: "#111"}}),
      rechthoek: new L.Draw.Rectangle(map, {showArea: false, shapeOptions: {color: "#111"}})
    };
    var knoppen = document.querySelectorAll(".gereedschap button");
    function stop() {
      if (actief) { actief.disable(); }
    }
    knoppen.forEach(function (knop) {
      knop.setAttribute("aria-pressed", "false");
      knop.addEventListener("click", function () {
        stop();
        meld("");
        actief = gereedschap[knop.getAttribute("data-vorm")];
        actief.enable();
      });
    });
    map.on("draw:drawstart", function (e) {
      knoppen.forEach(function (k) {
        k.setAttribute("aria-pressed", String(gereedschap[k.getAttribute("data-vorm")].type === e.layerType));
      });
      document.getElementById("tekenacties").hidden = e.layerType === "marker" || e.layerType === "rectangle";
    });
    map.on("draw:drawstop", function () {
      actief = null;
      knoppen.forEach(function (k) { k.setAttribute("aria-pressed", "false"); });
      document.getElementById("tekenacties").hidden = true;
    });
    map.on("draw:drawvertex", function (e) {
      var punten = e.layers.getLayers();
      if (punten.length && !inRegio(punten[punten.length - 1].getLatLng())) {
        actief.deleteLastVertex();
        meld(BUITEN);
      } else {
        meld("");
      }
    });
    document.getElementById("teken-klaar").addEventListener("click", function () {
      if (actief && actief.completeShape) { actief.completeShape(); }
    });
    document.getElementById("teken-terug").addEventListener("click", function () {
      if (actief && actief.deleteLastVertex) { actief.deleteLastVertex(); }
    });
    document.getElementById("teken-stop").addEventListener("click", stop);
    map.on(L.Draw.Event.CREATED, function (e) {
      var geometrie = e.layer.toGeoJSON().geometry;
      var punten = geometrie.type === "Point" ? [geometrie.coordinates] :
        geometrie.type === "LineString" ? geometrie.coordinates : geometrie.coordinates[0];
      if (!punten.every(function (c) { return inRegio(L.latLng(c[1], c[0])); })) { meld(BUITEN); return; }
      meld("");
      if (wachtend) { map.removeLayer(wachtend); }
      wachtend = e.layer.addTo(map);
      formulier.hidden = false;
      document.getElementById("tekst").focus();
    });
    document.getElementById("annuleer").addEventListener("click", function () {
      if (wachtend) { map.removeLayer(wachtend); wachtend = null; }
      formulier.hidden = true;
    });
    formulier.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var fout = document.getElementById("annotatiefout");
      if (!wachtend) { fout.textContent = "Teken eerst iets op de kaart."; fout.hidden = false; return; }
      verzoek("POST", "annotaties", {
        geometrie: wachtend.toGeoJSON().geometry,
        categorie: formulier.categorie.value,
        tekst: formulier.tekst.value,
        naam: formulier.naam.value
      }).then(function () {
        map.removeLayer(wachtend); wachtend = null;
        formulier.reset(); formulier.hidden = true; fout.hidden = true;
        return ververs();
      }).catch(function (err) { fout.textContent = err.message; fout.hidden = false; });
    });
  }
  document.querySelectorAll(".legenda-categorieen .kleur").forEach(function (vlak) {
    vlak.style.background = kleuren[vlak.getAttribute("data-categorie")];
  });

  // --- annotations ---------------------------------------------------------------------------------------
  function stijl(a) {
    return {color: kleuren[a.categorie] || "#333", weight: 3, fillOpacity: 0.25,
            dashArray: a.status === "zichtbaar" ? null : "6 4",
            className: "annotatie annotatie-" + a.categorie};
  }

  function popup(a) {
    var box = el("div", {"class": "annotatie-popup"});
    box.appendChild(el("strong", {}, cfg.categorieen[a.categorie] || a.categorie));
    box.appendChild(el("p", {}, a.tekst));
    if (a.naam) { box.appendChild(el("p", {"class": "naam"}, "— " + a.naam)); }
    if (a.buurten.length) {
      box.appendChild(el("p", {"class": "buurten"}, (a.buurten.length === 1 ? "Buurt: " : "Buurten: ") +
        a.buurten.map(function (c) { return naamVan[c] || c; }).join(", ")));
    }
    if (a.status !== "zichtbaar") { box.appendChild(el("p", {"class": "status"}, "Status: " + a.status)); }
    return box;
  }

  function toon(a) {
    var oud = annotaties[a.id];
    if (oud) { annotatielaag.removeLayer(oud.layer); }
    var layer = L.geoJSON(a.geometrie, {
      style: function () { return stijl(a); },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, Object.assign(stijl(a), {radius: 8}));
      }
    });
    layer.bindPopup(popup(a));
    layer.addTo(annotatielaag);
    annotaties[a.id] = {data: a, layer: layer};
  }

  function weg(id) {
    if (annotaties[id]) { annotatielaag.removeLayer(annotaties[id].layer); delete annotaties[id]; }
  }

  function stipknoppen(soort, doel, label) {
    var span = el("span", {"class": "stippen"});
    if (cfg.rol === "lezer") { return span; }
    var sleutel = soort + ":" + doel;
    var min = el("button", {type: "button", "aria-label": "Stip weghalen bij " + label}, "−");
    var aantal = el("span", {"class": "aantal", "data-stippen": sleutel}, String(mijnStippen[sleutel] || 0));
    var plus = el("button", {type: "button", "aria-label": "Stip zetten op " + label, "class": "stip-erbij"}, "+");
    function zet(delta) {
      var nieuw = Math.max(0, (mijnStippen[sleutel] || 0) + delta);
      verzoek("PUT", "stemmen", {doel_soort: soort, doel: String(doel), aantal: nieuw}).then(function (r) {
        mijnStippen[sleutel] = nieuw;
        aantal.textContent = String(nieuw);
        document.getElementById("stippen-over").textContent = "U heeft nog " + r.over + " van " + r.stippen + " stippen.";
        return laadRanglijst();
      }).catch(function (err) { document.getElementById("stippen-over").textContent = err.message; });
    }
    min.addEventListener("click", function () { zet(-1); });
    plus.addEventListener("click", function () { zet(1); });
    span.appendChild(min); span.appendChild(aantal); span.appendChild(plus);
    return span;
  }

  function knop(tekst, actie, verversen) {
    var b = el("button", {type: "button"}, tekst);
    b.addEventListener("click", function () {
      actie().then(verversen === false ? null : ververs).catch(function (err) { window.alert(err.message); });
    });
    return b;
  }

  function lijst() {
    var ul = document.getElementById("annotaties");
    ul.replaceChildren();
    Object.keys(annotaties).map(Number).sort(function (a, b) { return a - b; }).forEach(function (id) {
      var a = annotaties[id].data;
      var li = el("li", {"data-annotatie": String(id), "class": "status-" + a.status});
      li.appendChild(el("strong", {}, (cfg.categorieen[a.categorie] || a.categorie) + ": "));
      li.appendChild(el("span", {"class": "tekst"}, a.tekst));
      if (a.naam) { li.appendChild(el("span", {"class": "naam"}, " — " + a.naam)); }
      if (a.status === "wacht") { li.appendChild(el("em", {}, " (wacht op goedkeuring)")); }
      if (a.status === "verborgen") { li.appendChild(el("em", {}, " (verborgen)")); }
      var acties = el("span", {"class": "acties"});
      var zoom = el("button", {type: "button"}, "Toon");
      zoom.addEventListener("click", function () {
        var layer = annotaties[id].layer; map.fitBounds(layer.getBounds(), {maxZoom: 16}); layer.openPopup();
      });
      acties.appendChild(zoom);
      if (a.status === "zichtbaar") { acties.appendChild(stipknoppen("annotatie", id, a.tekst.slice(0, 40))); }
      if (a.mag_wijzigen) {
        var wijzig = el("button", {type: "button"}, "Wijzig tekst");
        wijzig.addEventListener("click", function () { li.appendChild(bewerk(a)); wijzig.disabled = true; });
        var verwijder = knop("Verwijder", function () {
          return verzoek("DELETE", "annotaties/" + id).then(function () { toonHerstel(id); });
        });
        [wijzig, verwijder].forEach(function (b) { b.classList.add("wijzig"); acties.appendChild(b); });
      }
      if (a.eigen || cfg.rol === "facilitator") {
        var geschiedenis = el("ol", {"class": "geschiedenis", hidden: ""});
        acties.appendChild(knop("Geschiedenis", function () {
          return verzoek("GET", "annotaties/" + id + "/geschiedenis").then(function (rijen) {
            geschiedenis.replaceChildren();
            rijen.forEach(function (h) {
              geschiedenis.appendChild(el("li", {}, h.tijd_tekst + ": " + h.actie + " door " + h.door));
            });
            geschiedenis.hidden = false;
          });
        }, false));
        li.appendChild(geschiedenis);
      }
      if (cfg.rol === "facilitator") {
        if (a.status !== "zichtbaar") {
          acties.appendChild(knop(a.status === "wacht" ? "Keur goed" : "Toon weer", function () {
            return verzoek("POST", "annotaties/" + id + "/status", {status: "zichtbaar"});
          }));
        } else {
          acties.appendChild(knop("Verberg", function () {
            return verzoek("POST", "annotaties/" + id + "/status", {status: "verborgen"});
          }));
        }
      }
      li.appendChild(acties);
      ul.appendChild(li);
    });
  }

  /* Editing an annotation's text in the list itself: a textarea with Opslaan and Annuleren. */
  function bewerk(a) {
    var vorm = el("form", {"class": "bewerk"});
    var id = "bewerk-" + a.id;
    vorm.appendChild(el("label", {"for": id}, "Nieuwe toelichting"));
    var veld = el("textarea", {id: id, maxlength: "2000", required: ""});
    veld.value = a.tekst;
    var fout = el("p", {"class": "melding fout", role: "alert", hidden: ""});
    vorm.appendChild(veld);
    vorm.appendChild(fout);
    vorm.appendChild(el("button", {type: "submit"}, "Opslaan"));
    var terug = el("button", {type: "button"}, "Annuleren");
    terug.addEventListener("click", function () { lijst(); });
    vorm.appendChild(terug);
    vorm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      verzoek("PATCH", "annotaties/" + a.id, {tekst: veld.value}).then(ververs).then(lijst)
        .catch(function (err) { fout.textContent = err.message; fout.hidden = false; });
    });
    window.setTimeout(function () { veld.focus(); }, 0);
    return vorm;
  }

  function toonHerstel(id) {
    var status = document.getElementById("stippen-over");
    status.replaceChildren(el("span", {}, "Annotatie verwijderd. "));
    status.appendChild(knop("Ongedaan maken", function () { return verzoek("POST", "annotaties/" + id + "/herstel"); }));
  }

  function drukpuntlijst() {
    var ul = document.getElementById("drukpunten");
    ul.replaceChildren();
    cfg.drukpunten.features.forEach(function (f) {
      var p = f.properties;
      var li = el("li", {"data-drukpunt": p.code});
      li.appendChild(el("span", {}, p.naam + (p.gemeentenaam ? " (" + p.gemeentenaam + ")" : "")));
      li.appendChild(stipknoppen("drukpunt", p.code, p.naam));
      ul.appendChild(li);
    });
    if (!cfg.drukpunten.features.length) { ul.appendChild(el("li", {}, "Deze kaart heeft geen drukpunten.")); }
  }

  function laadRanglijst() {
    return verzoek("GET", "ranglijst").then(function (r) {
      var ol = document.getElementById("ranglijst");
      ol.replaceChildren();
      r.ranglijst.forEach(function (rij) {
        mijnStippen[rij.doel_soort + ":" + rij.doel] = rij.mijn;
        ol.appendChild(el("li", {"data-doel": rij.doel_soort + ":" + rij.doel},
          rij.label + " — " + rij.stippen + " stip" + (rij.stippen === 1 ? "" : "pen") +
          " van " + rij.deelnemers + " deelnemer" + (rij.deelnemers === 1 ? "" : "s")));
      });
      document.querySelectorAll("[data-stippen]").forEach(function (node) {
        node.textContent = String(mijnStippen[node.getAttribute("data-stippen")] || 0);
      });
      if (cfg.rol !== "lezer") {
        document.getElementById("stippen-over").textContent = "U heeft nog " + r.over + " van " + r.stippen + " stippen.";
      }
    });
  }

  function laadAfspraken() {
    return verzoek("GET", "afspraken").then(function (rijen) {
      var ul = document.getElementById("afspraken");
      ul.replaceChildren();
      rijen.forEach(function (a) {
        var li = el("li", {"data-afspraak": String(a.id)});
        li.appendChild(el("span", {"class": "details"}, " " + a.zin));
        if (cfg.rol === "facilitator") {
          var keuze = el("select", {"aria-label": "Status van de afspraak over " + (a.gebiedsnaam || a.gebied)});
          Object.keys(cfg.status_afspraak).forEach(function (code) {
            var optie = el("option", {value: code}, cfg.status_afspraak[code]);
            if (code === a.status) { optie.selected = true; }
            keuze.appendChild(optie);
          });
          keuze.addEventListener("change", function () {
            verzoek("PATCH", "afspraken/" + a.id, {status: keuze.value}).then(ververs)
              .catch(function (err) { window.alert(err.message); });
          });
          li.appendChild(keuze);
        }
        ul.appendChild(li);
      });
    });
  }

  // --- phases: what is open now follows the facilitator within one poll --------------------------------------
  var open = [];
  var huidigeFase = cfg.fase;
  function volgFase(w) {
    if (!w) { return; }
    open = w.open;
    if (w.fase !== huidigeFase) {
      huidigeFase = w.fase;
      var kiezer = document.getElementById("in-fase");
      if (kiezer) { kiezer.value = w.fase; }
    }
    document.querySelectorAll("#instellingen [data-activiteit]").forEach(function (vak) {
      if (document.activeElement !== vak) { vak.checked = open.indexOf(vak.getAttribute("data-activiteit")) >= 0; }
    });
    document.getElementById("fase").textContent = w.fase_label;
    var namen = {tekenen: "tekenen en toelichten", stemmen: "stippen zetten", afspraken: "afspraken maken"};
    document.getElementById("open-nu").textContent = open.length ?
      "Nu open: " + open.map(function (a) { return namen[a]; }).join(", ") + "." : "Alles is nu gesloten.";
    var facilitator = cfg.rol === "facilitator";
    var tekenenDicht = !facilitator && open.indexOf("tekenen") < 0;
    document.body.classList.toggle("tekenen-dicht", tekenenDicht);
    if (tekenenDicht && actief) { actief.disable(); }
    document.body.classList.toggle("stemmen-dicht", !facilitator && open.indexOf("stemmen") < 0);
  }

  function ververs() {
    return verzoek("GET", "annotaties?sinds=" + revisie).then(function (r) {
      var veranderd = r.revisie !== revisie;
      volgFase(r.werksessie);
      r.annotaties.forEach(toon);
      r.weg.forEach(weg);
      revisie = r.revisie;
      if (veranderd) {
        lijst();
        return Promise.all([laadRanglijst(), laadAfspraken()]);
      }
    });
  }

  // --- facilitator ---------------------------------------------------------------------------------------
  var afspraak = document.getElementById("afspraakformulier");
  if (afspraak) {
    var partijen = 1;
    document.getElementById("af-partij-erbij").addEventListener("click", function () {
      var eerste = afspraak.querySelector(".partij");
      var rij = eerste.cloneNode(true);
      rij.querySelectorAll("input, select, label").forEach(function (node) {
        ["id", "for"].forEach(function (attr) {
          if (node.hasAttribute(attr)) { node.setAttribute(attr, node.getAttribute(attr).replace(/-\d+$/, "-" + partijen)); }
        });
        if (node.tagName === "INPUT") { node.value = ""; }
      });
      partijen += 1;
      document.getElementById("af-partijen").appendChild(rij);
    });
    afspraak.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var wie = Array.prototype.map.call(afspraak.querySelectorAll(".partij"), function (rij) {
        return {partij: rij.querySelector(".af-partij").value, rol: rij.querySelector(".af-rol").value};
      });
      var fout = document.getElementById("afspraakfout");
      var gekozen = gebieden[afspraak.gebiedsnaam.value];
      verzoek("POST", "afspraken", {
        gebied: gekozen ? gekozen.code : (afspraak.gebied.value || afspraak.gebiedsnaam.value), wat: afspraak.wat.value, wie: wie, wanneer: afspraak.wanneer.value,
        indicator: afspraak.indicator.value, doelwaarde: afspraak.doelwaarde.value,
        doeljaar: afspraak.doeljaar.value, status: afspraak.status.value
      }).then(function () { afspraak.reset(); fout.hidden = true; return ververs(); })
        .catch(function (err) { fout.textContent = err.message; fout.hidden = false; });
    });
  }
  var instellingen = document.getElementById("instellingen");
  if (instellingen) {
    instellingen.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var wijziging = {stippen: parseInt(instellingen.stippen.value, 10),
        moderatie: instellingen.moderatie.checked, alleen_eigen: instellingen.alleen_eigen.checked};
      if (instellingen.fase.value !== huidigeFase) {
        wijziging.fase = instellingen.fase.value;  // a new phase opens what belongs to it
      } else {
        wijziging.open = {};
        instellingen.querySelectorAll("[data-activiteit]").forEach(function (vak) {
          wijziging.open[vak.getAttribute("data-activiteit")] = vak.checked;
        });
      }
      verzoek("POST", "instellingen", wijziging).then(function () { document.getElementById("instellingen-status").textContent = "Opgeslagen."; return ververs(); })
        .catch(function (err) { document.getElementById("instellingen-status").textContent = err.message; });
    });
  }

  drukpuntlijst();
  ververs().catch(function (err) { document.getElementById("stippen-over").textContent = err.message; });
  window.setInterval(function () { ververs().catch(function () { /* the next poll tries again */ }); }, POLL_MS);
}());
