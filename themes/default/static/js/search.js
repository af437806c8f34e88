// Site search over the chunked index folio writes under /search/data/ (src/render/search.rs):
// a query fetches the small manifest, one fragment of words per query word and the documents'
// files of the results it shows — never the whole index. Words are folded as the build folds
// them; stemming was done at build time (a fragment maps each word to its stem's postings).
// The same file runs in the header box of every page, on the /search/ page, and under node in
// folio's search-quality test (module.exports at the end), so the ranking is written once.
(function () {
  "use strict";
  var BASE = "/search/data/";

  // Lowercase, diacritics folded, as src/render/search.rs `words` does.
  function fold(s) {
    return s.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  }
  function words(s) {
    return fold(s).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }
  function chars(s) { return Array.from(s); }

  // The engine: `getJson(path)` returns a promise of the parsed file under BASE.
  function Engine(getJson) {
    this.getJson = getJson;
    this.files = {};
    this.manifestP = null;
  }
  Engine.prototype.manifest = function () {
    if (!this.manifestP) this.manifestP = this.getJson("manifest.json");
    return this.manifestP;
  };
  Engine.prototype.file = function (m, name) {
    var key = name + "?v=" + m.v;
    if (!this.files[key]) this.files[key] = this.getJson(key);
    return this.files[key];
  };
  // The fragment holding `w`: walk the prefix tree one character at a time; a query that is
  // itself a split prefix ("k") gets that prefix's summary of its most frequent words.
  function nodeFor(m, w) {
    var cs = chars(w), p = "", depth = 0;
    for (;;) {
      if (Object.prototype.hasOwnProperty.call(m.leaf, p)) return "t" + m.leaf[p] + ".json";
      if (!Object.prototype.hasOwnProperty.call(m.inner, p)) return null;
      if (cs.length <= depth) return "t" + m.inner[p] + ".json";
      p += cs[depth];
      depth += 1;
    }
  }

  // Ranks the documents for `query`. Resolves to { hits: [{ id, score, all }], marks } where
  // marks says which words to highlight: every word of a matched stem, and the prefix.
  Engine.prototype.rank = function (query) {
    var self = this;
    var qs = words(query);
    // Words of one character are not indexed, except as the prefix being typed.
    qs = qs.filter(function (w, i) { return w.length > 1 || i === qs.length - 1; });
    if (!qs.length) return Promise.resolve({ hits: [], marks: { words: {}, prefix: null } });
    return this.manifest().then(function (m) {
      return Promise.all(qs.map(function (w) {
        var name = nodeFor(m, w);
        return name ? self.file(m, name) : null;
      })).then(function (frags) {
        var marks = { words: {}, prefix: null };
        var perWord = qs.map(function (w, i) {
          var frag = frags[i], last = i === qs.length - 1, scores = {};
          if (!frag) return scores;
          var stems = {};
          Object.keys(frag.w).forEach(function (k) {
            var exact = k === w;
            if (exact || (last && k.lastIndexOf(w, 0) === 0)) {
              var s = frag.w[k], f = exact ? 1 : 0.5;
              if (!(stems[s] >= f)) stems[s] = f;
            }
          });
          Object.keys(frag.w).forEach(function (k) { if (stems[frag.w[k]] !== undefined) marks.words[k] = true; });
          if (last) marks.prefix = w;
          Object.keys(stems).forEach(function (s) {
            var list = frag.p[s], d = 0, f = stems[s];
            for (var k = 0; k < list.length; k += 2) {
              d += list[k];
              var v = list[k + 1] * f;
              if (!(scores[d] >= v)) scores[d] = v;
            }
          });
          return scores;
        });
        var total = {};
        perWord.forEach(function (scores) {
          Object.keys(scores).forEach(function (d) {
            var t = total[d] || (total[d] = { id: +d, n: 0, score: 0 });
            t.n += 1;
            t.score += scores[d];
          });
        });
        var hits = Object.keys(total).map(function (d) { return total[d]; });
        // Documents with every word first, then by score, then in the site's order.
        hits.sort(function (a, b) { return b.n - a.n || b.score - a.score || a.id - b.id; });
        hits.forEach(function (h) { h.all = h.n === qs.length; });
        return { hits: hits, marks: marks };
      });
    });
  };
  // Results shown per page at most: a page whose every section matches does not fill the list.
  var PER_PAGE = 2;
  // The first `limit` results with their documents: { url, title, heading, kind, text, draft },
  // at most PER_PAGE of one page (a few more hits are read to make up for those left out).
  Engine.prototype.search = function (query, limit) {
    var self = this;
    return this.rank(query).then(function (r) {
      return self.manifest().then(function (m) {
        var top = r.hits.slice(0, limit + 6);
        return Promise.all(top.map(function (h) { return self.file(m, "d" + Math.floor(h.id / m.chunk) + ".json"); })).then(function (chunks) {
          var shown = {};
          var results = [];
          top.forEach(function (h, i) {
            var d = chunks[i][h.id % m.chunk];
            var page = d[0].split("#")[0];
            shown[page] = (shown[page] || 0) + 1;
            if (shown[page] > PER_PAGE || results.length >= limit) return;
            results.push({ id: h.id, score: h.score, all: h.all, url: d[0], title: d[1], heading: d[2], kind: d[3], text: d[4], draft: d[5] === 1 });
          });
          return { total: r.hits.length, marks: r.marks, results: results };
        });
      });
    });
  };
  function marked(marks, token) {
    var f = fold(token);
    return marks.words[f] === true || (marks.prefix !== null && f.lastIndexOf(marks.prefix, 0) === 0);
  }
  // The excerpt of `text` as pieces [{ text, mark }]: about `size` words around the first
  // matched word, cut at word boundaries, "…" where text was left out.
  function excerpt(text, marks, size) {
    var re = /[\p{L}\p{N}]+/gu, tokens = [], t;
    while ((t = re.exec(text)) !== null) tokens.push({ at: t.index, end: t.index + t[0].length, word: t[0] });
    if (!tokens.length) return [{ text: text, mark: false }];
    var first = 0;
    for (var i = 0; i < tokens.length; i++) { if (marked(marks, tokens[i].word)) { first = i; break; } }
    var start = Math.max(0, Math.min(first - 8, tokens.length - size));
    var end = Math.min(tokens.length, start + size);
    var from = start === 0 ? 0 : tokens[start].at;
    var to = end === tokens.length ? text.length : tokens[end - 1].end;
    var pieces = [], at = from;
    if (start > 0) pieces.push({ text: "… ", mark: false });
    for (var k = start; k < end; k++) {
      if (marked(marks, tokens[k].word)) {
        if (tokens[k].at > at) pieces.push({ text: text.slice(at, tokens[k].at), mark: false });
        pieces.push({ text: tokens[k].word, mark: true });
        at = tokens[k].end;
      }
    }
    if (to > at) pieces.push({ text: text.slice(at, to), mark: false });
    if (end < tokens.length) pieces.push({ text: " …", mark: false });
    return pieces;
  }

  var api = { fold: fold, words: words, Engine: Engine, nodeFor: nodeFor, excerpt: excerpt };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
    return;
  }

  // ---- In the browser ----
  var engine = new Engine(function (path) {
    return fetch(BASE + path).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.json();
    });
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function fill(node, pieces) {
    pieces.forEach(function (p) { node.appendChild(p.mark ? el("mark", null, p.text) : document.createTextNode(p.text)); });
    return node;
  }
  function titleOf(r) { return r.heading ? r.title + " › " + r.heading : r.title; }
  function kindLabel(k) { return k === "FAQ" ? "FAQ" : k; }

  // The header box: a combobox whose listbox of results opens under it as you type.
  function headerBox(form) {
    var input = form.querySelector("input[type=search]");
    var pop = form.querySelector("[data-search-popover]");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[data-search-live]");
    var more = form.querySelector("[data-search-more]");
    if (!input || !pop || !list) return;
    var results = [], active = -1, timer = null, seq = 0, pending = null;
    // The combobox semantics come with the script that makes the list (without it the box is a
    // plain search form, and HTML does not allow them on a search field as written).
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      pop.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function select(i) {
      var opts = list.querySelectorAll("[role=option]");
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function show(q, found) {
      results = found.results;
      list.textContent = "";
      results.forEach(function (r, i) {
        var li = el("li", "search-hit");
        li.id = input.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-url", r.url);
        var head = el("span", "search-hit-head");
        head.appendChild(el("span", "kind", kindLabel(r.kind)));
        if (r.draft) head.appendChild(el("small", "draft-label", "Draft"));
        head.appendChild(fill(el("span", "search-hit-title"), excerpt(titleOf(r), found.marks, 40)));
        li.appendChild(head);
        li.appendChild(fill(el("span", "search-hit-text"), excerpt(r.text, found.marks, 25)));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { location.href = r.url; });
        list.appendChild(li);
      });
      var n = found.total;
      if (status) status.textContent = n ? n + (n === 1 ? " result" : " results") + ". Arrow keys choose, Enter opens." : "No results for “" + q + "”.";
      if (more) {
        more.href = "/search/?q=" + encodeURIComponent(q);
        more.textContent = n ? "All " + n + (n === 1 ? " result" : " results") + " for “" + q + "”" : "No results for “" + q + "”";
      }
      list.hidden = results.length === 0;
      pop.hidden = false;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (results.length) select(0);
    }
    function run() {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { close(); pending = null; return; }
      pending = engine.search(q, 8).then(function (found) {
        if (mine === seq) show(q, found);
        return found;
      }).catch(function () {
        if (mine === seq && status) status.textContent = "Search could not load its index.";
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    input.addEventListener("focus", function () { if (input.value.trim() && results.length) { pop.hidden = false; input.setAttribute("aria-expanded", "true"); } });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (pop.hidden && input.value.trim()) { run(); return; }
        e.preventDefault();
        select(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Escape") {
        if (!pop.hidden) { e.preventDefault(); close(); }
      } else if (e.key === "Enter") {
        if (!input.value.trim()) return;
        e.preventDefault();
        // Results for what is typed now, even when Enter comes before the pause is over.
        if (timer) { clearTimeout(timer); timer = null; run(); }
        var chosen = active;
        (pending || Promise.resolve(null)).then(function () {
          var r = results[chosen >= 0 ? chosen : 0];
          if (r) location.href = r.url;
          else form.submit();
        });
      }
    });
    form.addEventListener("focusout", function (e) {
      if (!form.contains(e.relatedTarget)) close();
    });
  }

  // The /search/ page: every result, with excerpts; `?q=` in the address.
  function searchPage(form) {
    var input = form.querySelector("input[type=search]");
    var status = document.querySelector("[data-search-status]");
    var list = document.querySelector("[data-search-results]");
    if (!input || !list) return;
    function render(q) {
      list.textContent = "";
      if (!q) { if (status) status.textContent = "Type a word or two to search."; return; }
      engine.search(q, 50).then(function (found) {
        var n = found.total;
        if (status) status.textContent = n ? n + (n === 1 ? " result" : " results") + " for “" + q + "”" + (n > 50 ? ", the first 50 shown" : "") : "No results for “" + q + "”.";
        found.results.forEach(function (r) {
          var li = el("li");
          li.appendChild(el("span", "kind", kindLabel(r.kind)));
          if (r.draft) {
            li.appendChild(document.createTextNode(" "));
            li.appendChild(el("small", "draft-label", "Draft"));
          }
          li.appendChild(document.createElement("br"));
          var a = fill(el("a"), excerpt(titleOf(r), found.marks, 40));
          a.href = r.url;
          li.appendChild(a);
          li.appendChild(fill(el("p"), excerpt(r.text, found.marks, 25)));
          list.appendChild(li);
        });
      }).catch(function () { if (status) status.textContent = "Search could not load its index."; });
    }
    function update() {
      var q = input.value.trim();
      history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
      render(q);
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); update(); });
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 200); });
    var initial = new URLSearchParams(location.search).get("q");
    if (initial) { input.value = initial; render(initial.trim()); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-search-box]"), headerBox);
  var page = document.querySelector("[data-search-form]");
  if (page) searchPage(page);
})();
