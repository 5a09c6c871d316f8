// The gebiedsprofiel's "Afdrukken" button: the browser's print dialog (the page's print style makes it an A4
// handout). A script file, not an inline handler, for the Content-Security-Policy; without JavaScript the button
// stays hidden and the PDF link remains.
document.querySelectorAll("[data-afdrukken]").forEach(function (knop) {
  knop.hidden = false;
  knop.addEventListener("click", function () { window.print(); });
});
