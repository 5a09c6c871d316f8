/* The basemap of every Leaflet page of ours: PDOK's grey BRT-Achtergrondkaart, and OpenStreetMap once five
   PDOK tiles have failed (a network that blocks one often lets the other through). Only tiles come from outside. */
window.ondergrond = function (map) {
  "use strict";
  var pdok = L.tileLayer("https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png",
    {maxZoom: 19, attribution: "Kaartgegevens &copy; Kadaster"});
  var osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    {maxZoom: 19, attribution: "&copy; OpenStreetMap-bijdragers"});
  var fouten = 0;
  pdok.on("tileerror", function () { if (++fouten === 5) { map.removeLayer(pdok); osm.addTo(map); } });
  pdok.addTo(map);
};
