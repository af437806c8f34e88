// Opens the FAQ answer named in the URL fragment (and on later fragment changes), so a link to
// /faq/topic/#question shows that answer. Works without this script too: answers stay reachable
// by clicking their question.
(function () {
  function openFromHash() {
    if (!location.hash) return;
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el && el.tagName === "DETAILS") {
      el.open = true;
      el.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
})();
