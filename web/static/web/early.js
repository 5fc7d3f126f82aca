// Runs in <head>, before the first paint: the desktop sidebar collapsed to icons if the user
// left it so (localStorage, per browser), so the page does not jump after loading.
(function () {
  "use strict";
  try {
    if (window.localStorage.getItem("crm.sidebar") === "collapsed") {
      document.documentElement.classList.add("sidebar-collapsed");
    }
  } catch (e) { /* storage refused (private mode): the sidebar stays open */ }
})();
