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
  var kleuren = {signaal: "#b2182b", zorg: "#762a83", kans: "#1b7837", idee: "#2166ac", vraag: "#8a5a00"};

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

  // --- the map -------------------------------------------------------------------------------------------
  var map = Kaarten.maak("kaart");
  map.fitBounds([[cfg.grens[0], cfg.grens[1]], [cfg.grens[2], cfg.grens[3]]]);

  var drukpuntlaag = L.geoJSON(cfg.drukpunten, {
    style: {color: "#d95f02", weight: 2, fill: false, dashArray: "4 3"},
    onEachFeature: function (f, layer) {
      layer.bindTooltip(el("span", {}, "Drukpunt " + f.properties.naam + " (" + f.properties.code + ")"));
    }
  }).addTo(map);
  var annotatielaag = L.featureGroup().addTo(map);

  // --- drawing -------------------------------------------------------------------------------------------
  var formulier = document.getElementById("annotatieformulier");
  var wachtend = null;
  if (formulier && L.Control.Draw) {
    L.drawLocal.draw.toolbar.buttons = {polygon: "Teken een vlak", polyline: "Teken een lijn",
      rectangle: "Teken een rechthoek", marker: "Zet een punt", circle: "Cirkel", circlemarker: "Cirkel"};
    L.drawLocal.draw.toolbar.actions = {title: "Stop met tekenen", text: "Stop"};
    L.drawLocal.draw.toolbar.finish = {title: "Rond de vorm af", text: "Klaar"};
    L.drawLocal.draw.toolbar.undo = {title: "Haal het laatste punt weg", text: "Laatste punt weg"};
    map.addControl(new L.Control.Draw({
      draw: {circle: false, circlemarker: false, polygon: {allowIntersection: false, showArea: false}},
      edit: false
    }));
    map.on(L.Draw.Event.CREATED, function (e) {
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
    if (a.buurten.length) { box.appendChild(el("p", {"class": "buurten"}, "Buurten: " + a.buurten.join(", "))); }
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
        var wijzig = knop("Wijzig tekst", function () {
          var tekst = window.prompt("Nieuwe toelichting", a.tekst);
          return tekst === null ? Promise.resolve() : verzoek("PATCH", "annotaties/" + id, {tekst: tekst});
        });
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

  function toonHerstel(id) {
    var status = document.getElementById("stippen-over");
    status.replaceChildren(el("span", {}, "Annotatie verwijderd. "));
    status.appendChild(knop("Ongedaan maken", function () { return verzoek("POST", "annotaties/" + id + "/herstel"); }));
  }

  function drukpuntlijst() {
    var ul = document.getElementById("drukpunten");
    var codes = document.getElementById("drukpuntcodes");
    ul.replaceChildren();
    cfg.drukpunten.features.forEach(function (f) {
      var p = f.properties;
      var li = el("li", {"data-drukpunt": p.code});
      li.appendChild(el("span", {}, p.naam + " (" + p.code + (p.gemeentenaam ? ", " + p.gemeentenaam : "") + ")"));
      li.appendChild(stipknoppen("drukpunt", p.code, p.naam));
      ul.appendChild(li);
      if (codes) { codes.appendChild(el("option", {value: p.code}, p.naam)); }
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
  function volgFase(w) {
    if (!w) { return; }
    open = w.open;
    document.getElementById("fase").textContent = w.fase_label;
    var namen = {tekenen: "tekenen en toelichten", stemmen: "stippen zetten", afspraken: "afspraken maken"};
    document.getElementById("open-nu").textContent = open.length ?
      "Nu open: " + open.map(function (a) { return namen[a]; }).join(", ") + "." : "Alles is nu gesloten.";
    var facilitator = cfg.rol === "facilitator";
    document.body.classList.toggle("tekenen-dicht", !facilitator && open.indexOf("tekenen") < 0);
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
      verzoek("POST", "afspraken", {
        gebied: afspraak.gebied.value, wat: afspraak.wat.value, wie: wie, wanneer: afspraak.wanneer.value,
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
      verzoek("POST", "instellingen", {
        fase: instellingen.fase.value, stippen: parseInt(instellingen.stippen.value, 10),
        moderatie: instellingen.moderatie.checked, alleen_eigen: instellingen.alleen_eigen.checked
      }).then(function () { document.getElementById("instellingen-status").textContent = "Opgeslagen."; return ververs(); })
        .catch(function (err) { document.getElementById("instellingen-status").textContent = err.message; });
    });
  }

  drukpuntlijst();
  ververs().catch(function (err) { document.getElementById("stippen-over").textContent = err.message; });
  window.setInterval(function () { ververs().catch(function () { /* the next poll tries again */ }); }, POLL_MS);
}());
