// Sort the incident table by a clicked column: numbers by data-sort, text by its content.
(function () {
  "use strict";
  var table = document.getElementById("incidents");
  if (!table) { return; }
  var headers = table.querySelectorAll("thead th");
  function key(cell, numeric) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    return numeric ? parseFloat(raw) : raw.toLowerCase();
  }
  headers.forEach(function (th, index) {
    th.setAttribute("tabindex", "0");
    function sort() {
      var numeric = th.getAttribute("data-type") === "number";
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
        if (x < y) { return ascending ? -1 : 1; }
        if (x > y) { return ascending ? 1 : -1; }
        return 0;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
    });
  });
}());
