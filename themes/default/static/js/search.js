// Client-side search over /search-index.json: no server needed. Matches every word of the query
// against titles (weighted highest), descriptions and indexed words.
(function () {
  var form = document.querySelector("[data-search-form]");
  var input = document.getElementById("search-input");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  if (!form || !input || !list) return;
  var index = null;

  function load() {
    if (index) return Promise.resolve(index);
    return fetch("/search-index.json").then(function (r) { return r.json(); }).then(function (data) {
      index = data.map(function (e) {
        return { e: e, t: e.t.toLowerCase(), d: (e.d || "").toLowerCase(), w: (e.w || "").toLowerCase() };
      });
      return index;
    });
  }

  function score(item, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i], s = 0;
      if (item.t.indexOf(term) !== -1) s += 10;
      if (item.d.indexOf(term) !== -1) s += 3;
      if (item.w.indexOf(term) !== -1) s += 1;
      if (s === 0) return 0;
      total += s;
    }
    return total;
  }

  function render(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) { status.textContent = "Type a word or two to search."; return; }
    load().then(function (items) {
      var hits = items.map(function (it) { return { it: it, s: score(it, terms) }; })
        .filter(function (h) { return h.s > 0; })
        .sort(function (a, b) { return b.s - a.s || a.it.e.t.localeCompare(b.it.e.t); })
        .slice(0, 30);
      status.textContent = hits.length ? hits.length + (hits.length === 1 ? " result" : " results") + " for “" + query + "”" : "No results for “" + query + "”.";
      hits.forEach(function (h) {
        var li = document.createElement("li");
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = h.it.e.k;
        var a = document.createElement("a");
        a.href = h.it.e.u;
        a.textContent = h.it.e.t;
        var p = document.createElement("p");
        p.textContent = h.it.e.d;
        li.appendChild(kind);
        if (h.it.e.x) {
          var draft = document.createElement("small");
          draft.className = "draft-label";
          draft.textContent = "Draft";
          li.appendChild(document.createTextNode(" "));
          li.appendChild(draft);
        }
        li.appendChild(document.createElement("br"));
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
    }).catch(function () { status.textContent = "Search could not load its index."; });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
    render(q);
  });
  // Results follow typing too, after a short pause.
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
      render(q);
    }, 250);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; render(initial); }
})();
