/* The links page: copy a link with one tap (the clipboard, else the text selected for the user to copy),
 * and print the invitations. A script file of its own: the pages allow no inline script. */
(function () {
  "use strict";
  document.querySelectorAll("button.kopieer").forEach(function (knop) {
    knop.addEventListener("click", function () {
      var veld = document.getElementById(knop.getAttribute("data-link"));
      var status = knop.parentNode.querySelector(".gekopieerd");
      function geselecteerd() { veld.focus(); veld.select(); status.textContent = "Geselecteerd: kopieer met Ctrl+C of lang drukken."; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(veld.value).then(function () { status.textContent = "Gekopieerd."; }, geselecteerd);
      } else {
        geselecteerd();
      }
    });
  });
  var print = document.getElementById("print-uitnodigingen");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
}());
