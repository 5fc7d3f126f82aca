// Customer list: "tick all", the count of ticked rows, and the batch toolbar shown only while
// at least one row is ticked (its actions need a selection).
(function () {
  var all = document.getElementById("select-all"), count = document.getElementById("batch-count");
  var toolbar = document.getElementById("batch");
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll(".row-check")); }
  function update() {
    var ticked = boxes().filter(function (b) { return b.checked; }).length;
    if (count) { count.textContent = ticked; }
    if (toolbar) { toolbar.hidden = ticked === 0; }
    if (all) { all.checked = ticked > 0 && ticked === boxes().length; }
  }
  if (all) { all.addEventListener("change", function () { boxes().forEach(function (b) { b.checked = all.checked; }); update(); }); }
  boxes().forEach(function (b) { b.addEventListener("change", update); });
  update();  // a page restored from the back/forward cache keeps its ticks
})();
