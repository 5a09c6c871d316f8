// The verdeelsleutel map: the region's gemeenten from the page's JSON, coloured server-side by allocation.
// Names are set as text (textContent), never as HTML; the total comes formatted the Dutch way (1.234).
(function () {
  "use strict";
  var bron = document.getElementById("verdeling-gebieden");
  var element = document.getElementById("verdeelkaart");
  if (!bron || !element || typeof L === "undefined") { return; }
  var gebieden = JSON.parse(bron.textContent);
  var kaart = Kaarten.maak(element);
  var laag = L.geoJSON(gebieden, {
    style: function (f) {
      return {fillColor: f.properties.kleur, fillOpacity: 0.8, color: "#333", weight: 1};
    },
    onEachFeature: function (f, l) {
      var tekst = document.createElement("span");
      tekst.textContent = f.properties.naam + ": " + f.properties.totaal_tekst + " in totaal";
      l.bindTooltip(tekst, {sticky: true});
    }
  }).addTo(kaart);
  if (laag.getLayers().length) { kaart.fitBounds(laag.getBounds(), {padding: [10, 10]}); }
  element.dataset.gebieden = String(laag.getLayers().length);
})();
