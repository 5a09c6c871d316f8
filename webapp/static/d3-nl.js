// The map legend's tick labels. branca's legend draws its axis with d3 version 3, which formats each
// tick with d3.format; the text comes from the server instead (window.LegendaTeksten, written by
// webapp/choropleth.py with kaart.getallen), so the browser formats no number and the legend reads
// "1.234" and "7,6" like the table and the profile. Loaded after d3 and before the map script.
if (window.d3) {
  d3.format = function () {
    return function (x) {
      var teksten = window.LegendaTeksten || {};
      return Object.prototype.hasOwnProperty.call(teksten, String(x)) ? teksten[String(x)] : String(x);
    };
  };
}
