// Drag-and-drop of the product category tree: a category is dragged by its handle onto another
// one; the upper quarter of the target puts it before, the lower quarter after, the middle inside
// (as the last child). On drop its new parent and position are posted to the move URL; a refusal
// (a category under itself, a name taken among the new siblings) puts the tree back as it was.
(function () {
  "use strict";
  var tree = document.getElementById("category-tree");
  if (!tree || !tree.dataset.moveUrl) return;
  var status = document.getElementById("reorder-status");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var dragged = null, handleDown = false, marker = null, before = null;

  function say(text, ok) {
    if (!status) return;
    status.textContent = text;
    status.className = "small mb-2 " + (ok ? "text-success" : "text-danger");
  }
  function childList(li) { return li.querySelector(":scope > ul[data-children]"); }
  function nodeOf(target) { return target && target.closest ? target.closest("li.category-node") : null; }
  function clearMarks() {
    tree.querySelectorAll(".drop-before, .drop-after, .drop-inside").forEach(function (n) {
      n.classList.remove("drop-before", "drop-after", "drop-inside");
    });
  }

  tree.addEventListener("mousedown", function (event) { handleDown = !!event.target.closest(".drag-handle"); });
  tree.addEventListener("dragstart", function (event) {
    var li = nodeOf(event.target);
    if (!li || !handleDown) { event.preventDefault(); return; }
    event.stopPropagation();
    dragged = li;
    before = {parent: li.parentNode, next: li.nextSibling};
    li.classList.add("opacity-50");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", li.dataset.id);
  });
  tree.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var li = nodeOf(event.target);
    if (!li || li === dragged || dragged.contains(li)) { marker = null; clearMarks(); return; }
    event.preventDefault();
    var row = li.querySelector(".category-row") || li;
    var box = row.getBoundingClientRect();
    var y = event.clientY - box.top;
    var where = y < box.height * 0.25 ? "before" : (y > box.height * 0.75 ? "after" : "inside");
    clearMarks();
    li.classList.add("drop-" + where);
    marker = {li: li, where: where};
  });
  tree.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    if (!marker) return;
    if (marker.where === "before") { marker.li.parentNode.insertBefore(dragged, marker.li); }
    else if (marker.where === "after") { marker.li.parentNode.insertBefore(dragged, marker.li.nextSibling); }
    else { childList(marker.li).appendChild(dragged); }
    save();
  });
  tree.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("opacity-50");
    clearMarks();
    dragged = null; marker = null; handleDown = false;
  });

  function save() {
    var li = dragged, list = li.parentNode, parentLi = list.closest("li.category-node");
    var siblings = Array.prototype.filter.call(list.children, function (n) { return n.matches("li.category-node"); });
    var data = new FormData();
    data.append("parent", parentLi ? parentLi.dataset.id : "");
    data.append("position", String(siblings.indexOf(li)));
    if (csrf) data.append("csrfmiddlewaretoken", csrf.value);
    var undo = before;
    fetch(tree.dataset.moveUrl.replace("/0/", "/" + li.dataset.id + "/"), {
      method: "POST", body: data, credentials: "same-origin", headers: {"X-Requested-With": "XMLHttpRequest"},
    }).then(function (response) {
      return response.json().then(function (json) { return {ok: response.ok, json: json}; });
    }).then(function (result) {
      say(result.json.detail || "", result.ok);
      if (!result.ok) undo.parent.insertBefore(li, undo.next);
    }).catch(function () {
      say(tree.dataset.errorText || "", false);
      undo.parent.insertBefore(li, undo.next);
    });
  }
})();
