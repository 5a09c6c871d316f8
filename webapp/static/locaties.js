/* The locatiezoeker page: the suitability image, candidate plots and their areas on a Leaflet map,
   sliders that recompute on the server, and a click on the map that puts a marker there and explains
   that spot beside the map (a table, as for the candidates). A gemeente zooms the map to it. Every text
   from the server goes into the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var formulier = document.getElementById("locatieformulier");
  var uitleg = document.getElementById("uitleg-plek");
  var map = Kaarten.maak("locatiekaart");

  var lagen = [];
  var data = null;
  var marker = null;

  function element(naam, inhoud) {
    var el = document.createElement(naam);
    if (inhoud !== undefined) { el.textContent = inhoud; }
    return el;
  }

  // The explanation beside the map: a heading, the verdict, and per criterion value, score and weight.
  function toonUitleg(kop, oordeel, regels, tekst) {
    uitleg.replaceChildren(element("h2", kop));
    uitleg.firstChild.className = "kop-plek";
    if (oordeel) { uitleg.appendChild(element("p", oordeel.charAt(0).toUpperCase() + oordeel.slice(1) + ".")).className = "oordeel"; }
    if (regels && regels.length) {
      var tabel = element("table"), kop2 = element("thead"), rij = element("tr"), romp = element("tbody");
      tabel.className = "vergelijking kandidaattabel";
      ["Criterium", "Waarde", "Score", "Gewicht of grens"].forEach(function (t) {
        var th = element("th", t); th.scope = "col"; rij.appendChild(th);
      });
      kop2.appendChild(rij); tabel.appendChild(kop2);
      regels.forEach(function (r) {
        var tr = element("tr"), th = element("th", r.criterium);
        tr.className = r.rol + (r.valt_af ? " valt-af" : "");
        th.scope = "row"; tr.appendChild(th);
        [["Waarde", r.waarde], ["Score", r.score], ["Gewicht of grens", r.gewicht]].forEach(function (paar) {
          var td = element("td", paar[1]); td.dataset.label = paar[0]; tr.appendChild(td);
        });
        romp.appendChild(tr);
      });
      tabel.appendChild(romp);
      var vak = element("div"); vak.className = "schuiftabel"; vak.appendChild(tabel);
      uitleg.appendChild(vak);
    } else if (tekst) {
      uitleg.appendChild(element("p", tekst));
    }
    // On a phone the explanation sits under the map: bring it into view.
    if (uitleg.getBoundingClientRect().bottom > window.innerHeight) { uitleg.scrollIntoView({block: "nearest"}); }
  }

  function zetMarker(latlng) {
    if (marker) { marker.setLatLng(latlng); return; }
    marker = L.circleMarker(latlng, {radius: 9, color: "#000", weight: 3, fillColor: "#ffbf47", fillOpacity: 1,
      interactive: false, className: "klikmarker"}).addTo(map);
  }

  function lees() { return JSON.parse(document.getElementById("locatiedata").textContent); }

  function tekst(inhoud) {
    var span = document.createElement("span");
    span.textContent = inhoud;
    return span;
  }

  function stijl(f) {
    if (f.properties.geschikt === false) { return {color: "#8c1a1a", weight: 2, dashArray: "4 3", fillOpacity: 0.15}; }
    return {color: "#4a148c", weight: 3, fillColor: "#4a148c", fillOpacity: 0.08};
  }

  function teken(passen) {
    data = lees();
    lagen.forEach(function (laag) { map.removeLayer(laag); });
    lagen = [];
    var regio = L.geoJSON(data.regio, {style: {color: "#154273", weight: 2, fill: false}, interactive: false}).addTo(map);
    lagen.push(regio);
    if (data.beeld) {
      lagen.push(L.imageOverlay(data.beeld, data.grenzen, {className: "geschiktheidsbeeld", interactive: false}).addTo(map));
    }
    if (data.gebieden) {
      lagen.push(L.geoJSON(data.gebieden, {style: {color: "#4a148c", weight: 1.5, dashArray: "5 4", fill: false},
        interactive: false}).addTo(map));
    }
    var kandidaten = L.geoJSON(data.kandidaten, {
      style: stijl,
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, {radius: 8}); },
      onEachFeature: function (f, laag) {
        var p = f.properties;
        var nummer = p.rang ? String(p.rang) : "";
        laag.bindTooltip(tekst(p.naam ? (nummer ? nummer + ". " : "") + p.naam : nummer),
          {permanent: true, direction: "center", className: "kandidaatnummer"});
        laag.on("click", function (e) {
          L.DomEvent.stopPropagation(e);
          zetMarker(e.latlng);
          toonUitleg(p.naam || ("Kandidaat " + nummer), p.score !== null ? "score " + Number(p.score).toLocaleString("nl-NL", {minimumFractionDigits: 2, maximumFractionDigits: 2}) : "geen kandidaat",
            null, p.waarom);
          klik++;
        });
      }
    }).addTo(map);
    lagen.push(kandidaten);
    if (passen) { map.fitBounds(data.zoom || regio.getBounds()); }
  }

  var klik = 0;  // as with the results: only the newest click may fill the explanation
  map.on("click", function (e) {
    if (!data || !data.raster) { return; }
    var url = data.verklaar + "&lat=" + e.latlng.lat.toFixed(6) + "&lon=" + e.latlng.lng.toFixed(6);
    var nummer = ++klik;
    zetMarker(e.latlng);
    toonUitleg("Uitleg van een plek", "even zoeken …");
    fetch(url).then(function (r) { return r.json(); }).then(function (d) {
      if (nummer !== klik) { return; }
      if (d.kop) { toonUitleg(d.kop, d.oordeel, d.regels, d.tekst); return; }
      toonUitleg("Uitleg van een plek", "", null, (d.fout && d.fout.melding) || "Geen uitleg voor deze plek.");
    }).catch(function () {
      if (nummer === klik) { toonUitleg("Uitleg van een plek", "", null, "De uitleg kon niet worden opgehaald."); }
    });
  });

  var laatste = 0;  // only the newest request may fill the page: an older one can answer later
  function vernieuw() {
    var url = formulier.action + "?" + new URLSearchParams(new FormData(formulier)).toString();
    var nummer = ++laatste;
    document.body.classList.add("bezig");
    fetch(url).then(function (r) {
      return r.text().then(function (html) { return {ok: r.ok, html: html}; });
    }).then(function (res) {
      if (nummer !== laatste) { return; }
      var doc = new DOMParser().parseFromString(res.html, "text/html");
      var fout = document.getElementById("verversfout");
      var resultaat = document.getElementById("resultaat");
      if (!res.ok) {
        var melding = doc.querySelector("main p") || doc.body;
        fout.textContent = melding.textContent.trim() + " De kaart en de tabel tonen nog de vorige uitkomst.";
        fout.hidden = false;
        resultaat.classList.add("verouderd");
        return;
      }
      fout.hidden = true;
      resultaat.classList.remove("verouderd");
      klik++;
      document.getElementById("samenvatting").textContent = doc.getElementById("samenvatting").textContent;
      // The settings changed: the clicked spot's explanation no longer holds.
      uitleg.replaceChildren.apply(uitleg, Array.prototype.map.call(doc.getElementById("uitleg-plek").childNodes,
        function (n) { return document.importNode(n, true); }));
      if (marker) { map.removeLayer(marker); marker = null; }
      ["resultaat", "kop-profiel"].forEach(function (id) {
        var nieuw = doc.getElementById(id), oud = document.getElementById(id);
        var blok = id === "resultaat" ? [nieuw, oud] : [nieuw.parentNode, oud.parentNode];
        blok[1].innerHTML = blok[0].innerHTML;
      });
      teken(false);
      history.replaceState(null, "", url);
    }).catch(function () {
      if (nummer !== laatste) { return; }
      var fout = document.getElementById("verversfout");
      fout.textContent = "De server gaf geen antwoord; probeer het opnieuw. De kaart en de tabel tonen nog de vorige uitkomst.";
      fout.hidden = false;
      document.getElementById("resultaat").classList.add("verouderd");
    }).finally(function () { if (nummer === laatste) { document.body.classList.remove("bezig"); } });
  }

  var wacht = null;
  formulier.addEventListener("input", function (e) {
    var uit = document.getElementById("uit_" + e.target.id);
    if (uit) { uit.textContent = Number(e.target.value).toLocaleString("nl-NL"); }
    if (e.target.type !== "range" && e.target.type !== "number") { return; }
    clearTimeout(wacht);
    wacht = setTimeout(vernieuw, 350);
  });
  // Another profile or gemeente brings other sliders: load the page anew.
  ["profiel", "gemeente"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function () { formulier.submit(); });
  });
  formulier.addEventListener("submit", function (e) { e.preventDefault(); vernieuw(); });

  teken(true);
})();
