/* The map's areas, fetched from the API instead of inlined in the page.
 *
 * The page carries only what the legend needs (class breaks and colours, computed on the server with
 * mapclassify); the areas come from /api/v1/gebieden/<niveau> as GeoJSON simplified for the zoom, and
 * again in more detail for the part in view when the user zooms in far enough. Every value comes as the
 * server formatted it (the API's "teksten"; the gemeente reference in the page's settings), so the tooltips
 * read as the table and the profile do and no number is formatted here. Tooltips and popups are
 * built as DOM nodes with textContent, so no name in the data can inject markup. With many areas the
 * layer draws on a canvas, which keeps a national map of some 15,000 buurten quick.
 *
 * Another year (cfg.jaar) or a change since a year (cfg.sinds) is asked of the API with the same parameters;
 * a change map colours each area by its difference (the API's "verandering") and says both years' figures
 * and the difference in the tooltip.
 */
window.KaartGebieden = (function () {
  "use strict";
  var CANVAS_VANAF = 2000;
  var DETAIL_STAP = 2;  // zoom levels past the loaded detail before the areas in view are fetched again

  function kleur(cfg, v) {
    if (v === null || v === undefined) { return cfg.geenGegevens; }
    for (var i = 0; i < cfg.grenzen.length; i++) {
      if (v <= cfg.grenzen[i]) { return cfg.kleuren[i]; }
    }
    return cfg.kleuren[cfg.kleuren.length - 1];
  }

  // The figure the area is coloured by: its value, or on a change map its difference.
  function waarde(cfg, p) {
    if (!cfg.sinds) { return p[cfg.indicator]; }
    var v = p.verandering && p.verandering[cfg.indicator];
    return v ? v.verschil : null;
  }

  // Today's drukpunten are outlined on today's map only: not on another year's, nor on a change.
  function drukpunt(cfg, p) { return p.drukpunt && !cfg.jaar; }

  function tooltip(cfg, p) {
    var box = document.createElement("table");
    function regel(label, waarde) {
      var tr = document.createElement("tr");
      var th = document.createElement("th"); th.textContent = label;
      var td = document.createElement("td"); td.textContent = waarde;
      tr.appendChild(th); tr.appendChild(td); box.appendChild(tr);
    }
    regel(cfg.niveauLabel, p.naam || p.code);
    var herkomst = p.herkomst && p.herkomst[cfg.indicator];
    var verandering = cfg.sinds && p.verandering && p.verandering[cfg.indicator];
    if (verandering) {
      // Both years' figures (each marked when estimated or summed) and the difference, as the server wrote them.
      regel(cfg.label + " " + verandering.van.jaar, verandering.van.tekst);
      regel(cfg.label + " " + verandering.tot.jaar, verandering.tot.tekst);
      regel("Verschil", verandering.tekst);
    } else {
      // A figure that is not CBS's own says what it is: "opgeteld uit buurten", "geschat (grenswijziging)".
      // And on today's map, a figure from an older year (the newest table lacked it) says which: "cijfer van 2022".
      var jaar = !cfg.jaar && cfg.jaren && cfg.jaren[p.code];
      regel(cfg.label + (cfg.jaar ? " " + cfg.jaar : ""), p.teksten[cfg.indicator] +
            (herkomst && herkomst !== "CBS" && p[cfg.indicator] !== null ? " (" + herkomst + ")" : "") +
            (jaar && p[cfg.indicator] !== null ? " (" + jaar + ")" : ""));
    }
    if (drukpunt(cfg, p)) {
      // The two indicators that weigh most, as the analysis wrote them (values with their references).
      var redenen = (p.drukpunt_redenen || "").split("; ").slice(0, 2).join("; ");
      regel("Drukpunt", redenen ? "ja, vooral door: " + redenen : "ja");
    }
    if (cfg.niveau !== "gemeente" && p.gemeentenaam) {
      var referentie = cfg.gemeenten[p.gemeentecode];
      regel("Gemeente", p.gemeentenaam + (referentie === undefined ? "" : ": " + referentie));
    }
    return box;
  }

  function popup(p) {
    var a = document.createElement("a");
    a.className = "naar-profiel";
    a.href = "gebied/" + encodeURIComponent(p.code);  // relative to the kaart page, wherever it is mounted
    a.textContent = "Gebiedsprofiel van " + (p.naam || p.code);
    return a;
  }

  function laag(map, groep, cfg) {
    var aantal = cfg.aantal;
    var opties = {
      style: function (f) {
        var p = f.properties;
        return {fillColor: kleur(cfg, waarde(cfg, p)), fillOpacity: 0.75,
                color: drukpunt(cfg, p) ? "#1a1a1a" : "#4d4d4d", weight: drukpunt(cfg, p) ? 2.5 : 0.6};
      }
    };
    if (aantal > CANVAS_VANAF) { opties.renderer = L.canvas({padding: 0.2}); }
    var geo = L.geoJSON(null, opties).addTo(groep);
    // One tooltip and one popup for the whole layer, their content built for the area when they open: a
    // national map builds nothing per area at load but its path.
    geo.bindTooltip(function (l) { return tooltip(cfg, l.feature.properties); },
                    {sticky: true, className: "gebied-tooltip"});
    geo.bindPopup(function (l) { return popup(l.feature.properties); });
    geo.on("mouseover", function (e) { e.layer.setStyle({weight: 2.5, color: "#000000", fillOpacity: 0.9}); });
    geo.on("mouseout", function (e) { geo.resetStyle(e.layer); });
    var geladen = null;  // {zoom, bounds} of what is loaded

    function url(zoom, bbox) {
      var q = "?indicator=" + encodeURIComponent(cfg.indicator) + "&zoom=" + zoom;
      if (cfg.jaar) { q += "&jaar=" + cfg.jaar; }
      if (cfg.sinds) { q += "&sinds=" + cfg.sinds; }
      if (bbox) { q += "&bbox=" + bbox.map(function (x) { return x.toFixed(5); }).join(","); }
      return cfg.api + q;
    }

    function haal(zoom, bbox) {
      return fetch(url(zoom, bbox), {credentials: "same-origin"}).then(function (r) {
        if (!r.ok) { throw new Error("De gebieden konden niet worden geladen (" + r.status + ")."); }
        return r.json();
      }).then(function (data) {
        geo.clearLayers();
        geo.addData(data);
        geladen = {zoom: zoom, bounds: bbox ? L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]) : null};
        window.requestAnimationFrame(function () {
          window.kaartGetekend = performance.now();
          map.fire("gebiedengeladen", {aantal: data.features.length});
        });
      }).catch(function (err) {
        var melding = document.getElementById("kaartfout");
        if (melding) { melding.textContent = err.message; melding.hidden = false; }
      });
    }

    function zoomNiveau() { return Math.max(5, Math.min(18, Math.round(map.getZoom()))); }

    /* Small kaart: all areas again at the new zoom's detail. Large kaart: all areas at the start zoom,
       and past it only the areas in view (with a margin), in the detail of the current zoom. */
    map.on("moveend", function () {
      if (!geladen) { return; }
      var zoom = zoomNiveau();
      var groot = aantal > CANVAS_VANAF;
      if (!groot) {
        if (Math.abs(zoom - geladen.zoom) >= DETAIL_STAP) { haal(zoom, null); }
        return;
      }
      if (zoom < cfg.startZoom + DETAIL_STAP) {
        if (geladen.bounds) { haal(cfg.startZoom, null); }
        return;
      }
      var buiten = !geladen.bounds || !geladen.bounds.contains(map.getBounds());
      if (buiten || Math.abs(zoom - geladen.zoom) >= DETAIL_STAP) {
        var b = map.getBounds().pad(0.5);
        haal(zoom, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
      }
    });
    haal(cfg.startZoom, null);
    return geo;
  }

  return {laag: laag};
}());
