// The 404 page: offers the words of the address that was not found as a search, so
// /articles/cto-salery/ suggests "cto salery" (the search page forgives the rest).
(function () {
  var input = document.querySelector("[data-words-from-address]");
  if (!input || input.value) return;
  var parts = decodeURIComponent(location.pathname).split("/").filter(function (p) { return p && !/^index\.html?$/i.test(p); });
  var last = parts.length ? parts[parts.length - 1] : "";
  var words = last.replace(/\.[a-z0-9]+$/i, "").split(/[-_.+\s]+/).filter(function (w) { return w.length > 1 && !/^\d+$/.test(w); });
  if (words.length) input.value = words.join(" ");
})();
