// The map's view in the address: #zoom/lat/lon, so a link reproduces what someone sees.
// Level and indicator are already query parameters; this adds the view, and carries it
// along when the level or indicator form is submitted.
(function () {
  function kaart() {
    return Object.values(window).find(function (v) { return window.L && v instanceof L.Map; });
  }
  function lees(hash) {
    var delen = hash.replace(/^#/, "").split("/").map(Number);
    if (delen.length !== 3 || delen.some(isNaN)) { return null; }
    return {zoom: delen[0], lat: delen[1], lon: delen[2]};
  }
  window.addEventListener("load", function () {
    var map = kaart();
    if (!map) { return; }
    var stand = lees(window.location.hash);
    if (stand) { map.setView([stand.lat, stand.lon], stand.zoom, {animate: false}); }
    function schrijf() {
      var c = map.getCenter();
      var hash = "#" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
      history.replaceState(null, "", window.location.pathname + window.location.search + hash);
      document.querySelectorAll("form.keuze:not(.zoeken)").forEach(function (form) {
        form.action = form.action.split("#")[0] + hash;
      });
    }
    map.on("moveend", schrijf);
    if (stand) { schrijf(); }
  });
})();
