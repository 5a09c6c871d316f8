/* Every map of the app's pages goes through this one module: a map with the basemap (Kaarten.maak) and
   the view kept in the address (Kaarten.stand, for folium's map page, which hands its map over).
   Nothing here looks for a map on its own.

   The basemap's definition comes from the server (webapp/ondergrond.py), as JSON in this script tag's
   data-ondergrond: PDOK's grey BRT-Achtergrondkaart, and OpenStreetMap once five PDOK tiles have failed
   (a network that blocks one often lets the other through). Only tiles come from outside. */
window.Kaarten = (function () {
  "use strict";
  var ONDERGROND = JSON.parse(document.currentScript.dataset.ondergrond);
  var FOUTEN_VOOR_WISSEL = 5;

  function tegels(laag) {
    return L.tileLayer(laag.url, {maxZoom: laag.max_zoom, attribution: laag.attributie});
  }

  function ondergrond(map) {
    var eerste = tegels(ONDERGROND[0]);
    var fouten = 0;
    eerste.on("tileerror", function () {
      if (++fouten === FOUTEN_VOOR_WISSEL && ONDERGROND.length > 1) {
        map.removeLayer(eerste);
        tegels(ONDERGROND[1]).addTo(map);
      }
    });
    eerste.addTo(map);
    return map;
  }

  /* A map in `element` (an element or its id) with the basemap; fractional zoom, so fitting a region to
     the window leaves no wide empty margins. */
  function maak(element) {
    return ondergrond(L.map(element, {zoomSnap: 0.25}));
  }

  function lees(hash) {
    var delen = hash.replace(/^#/, "").split("/").map(Number);
    if (delen.length !== 3 || delen.some(isNaN)) { return null; }
    return {zoom: delen[0], lat: delen[1], lon: delen[2]};
  }

  /* The map's view in the address: #zoom/lat/lon, so a link reproduces what someone sees. Level and
     indicator are query parameters already; this adds the view, and carries it along when the level or
     indicator form is submitted. Call it once the map has its first view: a view in the address wins. */
  /* On a phone the legends that fold (a <details class="inklapbaar">) start folded: open, they cover the map. */
  function vouwOpTelefoon(map) {
    if (window.matchMedia("(max-width: 48rem)").matches) {
      map.getContainer().querySelectorAll("details.inklapbaar").forEach(function (d) { d.open = false; });
    }
  }

  function stand(map) {
    vouwOpTelefoon(map);
    var begin = lees(window.location.hash);
    if (begin) { map.setView([begin.lat, begin.lon], begin.zoom, {animate: false}); }
    function schrijf() {
      var c = map.getCenter();
      var hash = "#" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
      history.replaceState(null, "", window.location.pathname + window.location.search + hash);
      document.querySelectorAll("form.keuze:not(.zoeken)").forEach(function (form) {
        form.action = form.action.split("#")[0] + hash;
      });
    }
    map.on("moveend", schrijf);
    if (begin) { schrijf(); }
    return map;
  }

  return {maak: maak, stand: stand};
}());
