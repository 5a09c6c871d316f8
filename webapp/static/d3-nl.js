// Number formatting for branca's map legend, which draws with d3 version 3.
// Loaded after d3 and before the map script: d3's axes look up d3.format when they draw.
if (window.d3) {
  (function () {
    var nl = d3.locale({
      decimal: ",",
      thousands: ".",
      grouping: [3],
      currency: ["€ ", ""],
      dateTime: "%a %e %B %Y %X",
      date: "%d-%m-%Y",
      time: "%H:%M:%S",
      periods: ["AM", "PM"],
      days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
      shortDays: ["zo", "ma", "di", "wo", "do", "vr", "za"],
      months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december"],
      shortMonths: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    });
    // Dutch separators: "1.234,5", not "1,234.5" (which a Dutch reader takes for one point two).
    // And d3 gives every tick the precision of the whole scale (",.0f" for 5 to 13), which shows
    // class breaks 7,6 and 8,4 both as "8": show each tick with the decimals it needs, up to two.
    d3.format = function (specifier) {
      if (!/^,\.\d+f$/.test(specifier)) {
        return nl.numberFormat(specifier);
      }
      return function (x) {
        var decimals = 0;
        while (decimals < 2 && Math.abs(x - Number(x.toFixed(decimals))) > 1e-9) {
          decimals++;
        }
        return nl.numberFormat(",." + decimals + "f")(x);
      };
    };
  })();
}
