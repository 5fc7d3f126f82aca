// The opportunity form: the stage select offers only the stages of the chosen type (the server
// refuses another type's stage anyway, with a message). No inline code (CSP).
(function () {
  "use strict";
  var type = document.getElementById("id_type");
  var stage = document.getElementById("id_stage");
  if (!type || !stage) { return; }
  function filter() {
    Array.prototype.forEach.call(stage.options, function (option) {
      var other = option.dataset.type && option.dataset.type !== type.value;
      option.hidden = Boolean(other);
      option.disabled = Boolean(other);
      if (other && option.selected) { stage.value = ""; }
    });
  }
  type.addEventListener("change", filter);
  filter();
})();
