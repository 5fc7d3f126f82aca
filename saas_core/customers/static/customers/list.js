// Customer list: "tick all" and the count of ticked rows for the batch actions.
(function () {
  var all = document.getElementById("select-all"), count = document.getElementById("batch-count");
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll(".row-check")); }
  function update() { if (count) { count.textContent = boxes().filter(function (b) { return b.checked; }).length; } }
  if (all) { all.addEventListener("change", function () { boxes().forEach(function (b) { b.checked = all.checked; }); update(); }); }
  boxes().forEach(function (b) { b.addEventListener("change", update); });
})();
