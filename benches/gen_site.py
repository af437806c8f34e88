#!/usr/bin/env python3
"""Generate a synthetic site for the folio-vs-Hugo benchmark.

    gen_site.py --pages N --out DIR [--seed S] [--themes PATH]

writes the same content twice:

    DIR/folio/  site.yaml, content/ (two sections, N articles, FAQ files,
                pricing YAML) and themes/ (a copy of the folio repo's themes/)
    DIR/hugo/   hugo.toml, content/ (same articles, Hugo front matter and
                links), data/pricing/, layouts/ (templates equivalent to
                folio's default theme: single, paginated section lists,
                taxonomy and term pages; Hugo's built-in sitemap and RSS)

Python 3 standard library only. The output depends only on --pages and
--seed: the same arguments always give byte-identical files.
"""

import argparse
import datetime
import os
import random
import shutil
import sys

SECTIONS = ("articles", "guides")
PAGINATE_BY = 10
FEED_LIMIT = 20

# ---------------------------------------------------------------- vocabulary

TAG_PREFIXES = (
    "async", "cloud", "data", "web", "mobile", "security", "devops", "api",
    "database", "frontend", "backend", "testing", "hiring", "product",
    "startup", "platform", "network", "storage", "compliance", "analytics",
)
TAG_SUFFIXES = (
    "patterns", "tooling", "performance", "architecture", "budgets",
    "migration", "basics", "strategy", "operations", "reviews",
)
# 20 x 10 = exactly 200 tags
TAGS = tuple(f"{p}-{s}" for p in TAG_PREFIXES for s in TAG_SUFFIXES)
assert len(TAGS) == 200

CATEGORIES = ("engineering", "leadership", "security", "operations",
              "product", "hiring")

NOUNS = (
    "roadmap", "service", "deployment", "pipeline", "cache", "queue",
    "database", "schema", "release", "budget", "team", "vendor", "contract",
    "incident", "backlog", "sprint", "migration", "cluster", "endpoint",
    "dashboard", "metric", "alert", "runbook", "interview", "hire",
    "customer", "integration", "workflow", "dependency", "library",
    "framework", "prototype", "estimate", "milestone", "audit", "policy",
    "password", "backup", "server", "container", "function", "module",
    "interface", "request", "response", "latency", "throughput", "index",
    "replica", "region", "certificate", "token", "session", "feature",
    "experiment", "report", "architecture", "platform", "stack", "budget",
)
VERBS = (
    "ship", "measure", "review", "plan", "migrate", "test", "deploy",
    "simplify", "document", "monitor", "secure", "scale", "refactor",
    "automate", "estimate", "prioritise", "replace", "split", "merge",
    "cache", "index", "profile", "audit", "rewrite", "hire", "onboard",
)
ADJECTIVES = (
    "small", "reliable", "fast", "boring", "cheap", "safe", "legacy", "new",
    "shared", "internal", "public", "critical", "noisy", "slow", "stable",
    "modern", "distributed", "manual", "automated", "incremental", "simple",
    "expensive", "careful", "pragmatic", "realistic", "overdue", "quiet",
)
ADVERBS = (
    "quickly", "carefully", "usually", "rarely", "often", "early", "later",
    "gradually", "deliberately", "honestly", "eventually", "always",
)
CONNECTORS = (
    "because", "although", "while", "so that", "unless", "once", "before",
    "after", "whenever", "even if",
)
SUBJECTS = (
    "the team", "a founder", "every engineer", "the product manager",
    "our client", "a small company", "the on-call rotation", "the CTO",
    "most startups", "the finance lead", "a new hire", "the agency",
)
TOOLS = ("Postgres", "Redis", "Kubernetes", "Terraform", "Rust", "Python",
         "Go", "Nginx", "Kafka", "SQLite", "GitHub Actions", "Grafana")

FAQ_TOPICS = ("billing", "accounts", "security", "integrations", "support",
              "onboarding")
PRICING_GROUPS = ("plans", "addons")
LANGS = ("rust", "python", "bash", "yaml", "json", "js", "go")


def plural(word):
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def an(word):
    return "an" if word[0] in "aeiou" else "a"


class Writer:
    """Deterministic generator of realistic-looking technical prose."""

    def __init__(self, rng):
        self.r = rng

    def pick(self, seq):
        return self.r.choice(seq)

    def noun_phrase(self):
        r = self.r
        n = self.pick(NOUNS)
        x = r.random()
        if x < 0.35:
            return f"the {self.pick(ADJECTIVES)} {n}"
        if x < 0.55:
            return f"{an(n)} {n}"
        if x < 0.7:
            return f"every {n}"
        if x < 0.8:
            return f"the {n} in {self.pick(TOOLS)}"
        return f"the {n}"

    def clause(self):
        r = self.r
        s = self.pick(SUBJECTS)
        v = self.pick(VERBS)
        x = r.random()
        if x < 0.3:
            return f"{s} should {v} {self.noun_phrase()}"
        if x < 0.5:
            return f"{s} can {self.pick(ADVERBS)} {v} {self.noun_phrase()}"
        if x < 0.7:
            return f"{self.noun_phrase()} is {self.pick(ADJECTIVES)}"
        if x < 0.85:
            return (f"{s} needs to {v} {self.noun_phrase()} "
                    f"{self.pick(ADVERBS)}")
        return f"nobody wants to {v} {self.noun_phrase()} twice"

    def decorate(self, sentence):
        """Sprinkle inline Markdown: emphasis, strong, inline code."""
        r = self.r
        words = sentence.split(" ")
        if len(words) > 4 and r.random() < 0.25:
            i = r.randrange(1, len(words) - 1)
            words[i] = f"*{words[i]}*"
        if len(words) > 4 and r.random() < 0.15:
            i = r.randrange(1, len(words) - 1)
            if not words[i].startswith("*"):
                words[i] = f"**{words[i]}**"
        if r.random() < 0.15:
            words.append(f"with `{self.pick(VERBS)}_{self.pick(NOUNS)}()`")
        return " ".join(words)

    def sentence(self):
        r = self.r
        if r.random() < 0.45:
            text = f"{self.clause()} {self.pick(CONNECTORS)} {self.clause()}"
        else:
            text = self.clause()
        text = self.decorate(text)
        return text[0].upper() + text[1:] + self.pick(".....!?")[:1]

    def paragraph(self, lo=3, hi=6):
        return " ".join(self.sentence() for _ in range(self.r.randint(lo, hi)))

    def title(self):
        r = self.r
        x = r.random()
        if x < 0.3:
            adj = self.pick(ADJECTIVES)
            t = (f"How to {self.pick(VERBS)} {an(adj)} {adj} "
                 f"{self.pick(NOUNS)} with {self.pick(TOOLS)}")
        elif x < 0.55:
            adj = self.pick(ADJECTIVES)
            t = (f"Why your {self.pick(NOUNS)} needs {an(adj)} "
                 f"{adj} {self.pick(NOUNS)}")
        elif x < 0.8:
            t = (f"{r.randint(3, 12)} ways to {self.pick(VERBS)} "
                 f"{self.pick(ADJECTIVES)} {plural(self.pick(NOUNS))}")
        else:
            adj = self.pick(ADJECTIVES)
            t = (f"{an(adj).capitalize()} {adj} guide to {self.pick(NOUNS)} "
                 f"{plural(self.pick(NOUNS))}")
        return t[0].upper() + t[1:]

    def heading(self):
        r = self.r
        x = r.random()
        if x < 0.3:
            t = f"{self.pick(VERBS)} the {self.pick(NOUNS)} first"
        elif x < 0.55:
            adj = self.pick(ADJECTIVES)
            t = f"what {an(adj)} {adj} {self.pick(NOUNS)} costs"
        elif x < 0.8:
            t = f"{plural(self.pick(NOUNS))} and {plural(self.pick(NOUNS))}"
        else:
            t = f"when to {self.pick(VERBS)} {self.pick(ADJECTIVES)} work"
        return t[0].upper() + t[1:]

    def bullet_list(self):
        items = []
        for _ in range(self.r.randint(3, 6)):
            t = self.decorate(self.clause())
            items.append(f"- {t[0].upper()}{t[1:]}")
        return "\n".join(items)

    def numbered_list(self):
        items = []
        for i in range(1, self.r.randint(3, 6) + 1):
            t = f"{self.pick(VERBS)} {self.noun_phrase()} and {self.clause()}"
            items.append(f"{i}. {t[0].upper()}{t[1:]}.")
        return "\n".join(items)

    def table(self):
        r = self.r
        kind = r.random()
        rows = []
        if kind < 0.5:
            rows.append("| Option | Default | Description |")
            rows.append("|--------|---------|-------------|")
            for _ in range(r.randint(3, 6)):
                rows.append(f"| `{self.pick(NOUNS)}_{self.pick(NOUNS)}` | "
                            f"{r.choice(['true', 'false', str(r.randint(1, 512)), '`auto`'])} | "
                            f"{self.clause().capitalize()} |")
        else:
            rows.append("| Tool | Monthly cost | Setup time | Verdict |")
            rows.append("|:-----|-------------:|-----------:|:--------|")
            for _ in range(r.randint(3, 6)):
                rows.append(f"| {self.pick(TOOLS)} | ${r.randint(0, 90) * 10} | "
                            f"{r.randint(1, 40)} h | {self.pick(ADJECTIVES)} |")
        return "\n".join(rows)

    # Code snippets. No "{{" or "{%" anywhere: both generators have
    # template/shortcode syntax in Markdown.
    def code(self, lang):
        r = self.r
        n1, n2 = self.pick(NOUNS), self.pick(NOUNS)
        v = self.pick(VERBS)
        k = r.randint(2, 64)
        if lang == "rust":
            body = f"""use std::collections::HashMap;

/// {v.capitalize()} every {n1} and count them by {n2}.
pub fn {v}_{n1}s(items: &[(String, u32)]) -> HashMap<String, u32> {{
    let mut out = HashMap::new();
    for (name, weight) in items {{
        if *weight > {k} {{
            *out.entry(name.clone()).or_insert(0) += weight;
        }}
    }}
    out
}}

#[cfg(test)]
mod tests {{
    #[test]
    fn empty_input() {{
        assert!(super::{v}_{n1}s(&[]).is_empty());
    }}
}}"""
        elif lang == "python":
            body = f"""import json
from dataclasses import dataclass


@dataclass
class {n1.capitalize()}:
    name: str
    {n2}: int = {k}


def {v}_{n1}s(path):
    \"\"\"Load {n1}s from a JSON file and {v} the large ones.\"\"\"
    with open(path, encoding="utf-8") as fh:
        rows = json.load(fh)
    items = [{n1.capitalize()}(**row) for row in rows]
    return sorted((i for i in items if i.{n2} > {k}), key=lambda i: i.name)"""
        elif lang == "bash":
            body = f"""#!/usr/bin/env bash
set -euo pipefail

# {v} the {n1} before the {n2} goes out
for host in web-1 web-2 web-3; do
  echo "checking $host"
  ssh "$host" 'systemctl is-active {n1}.service' || exit 1
done
curl -fsS -X POST "https://api.example.com/{n2}s" \\
  -H 'Content-Type: application/json' \\
  -d '{{"limit": {k}}}'"""
        elif lang == "yaml":
            body = f"""{n1}:
  enabled: true
  replicas: {k % 7 + 1}
  {n2}:
    timeout: {k}s
    retries: 3
  tags:
    - {self.pick(TAGS)}
    - {self.pick(TAGS)}
alerts:
  - name: {n1}-{v}
    threshold: {k * 10}"""
        elif lang == "json":
            body = f"""{{
  "{n1}": {{
    "id": {k},
    "name": "{v}-{n2}",
    "active": true,
    "limits": {{ "requests": {k * 100}, "burst": {k} }},
    "tags": ["{self.pick(TAGS)}", "{self.pick(TAGS)}"]
  }}
}}"""
        elif lang == "js":
            body = f"""export async function {v}{n1.capitalize()}s(client, opts = {{}}) {{
  const limit = opts.limit ?? {k};
  const res = await client.get(`/{n1}s?limit=${{limit}}`);
  if (!res.ok) {{
    throw new Error(`{v} failed: ${{res.status}}`);
  }}
  const items = await res.json();
  return items.filter((x) => x.{n2} > {k}).map((x) => x.id);
}}"""
        else:  # go
            body = f"""package {n1}

import (
\t"errors"
\t"fmt"
)

// {v.capitalize()} returns the {n2}s above the limit.
func {v.capitalize()}(items []int, limit int) ([]int, error) {{
\tif limit < 0 {{
\t\treturn nil, errors.New("negative limit")
\t}}
\tout := make([]int, 0, len(items))
\tfor _, it := range items {{
\t\tif it > limit+{k} {{
\t\t\tout = append(out, it)
\t\t}}
\t}}
\tfmt.Println("kept", len(out))
\treturn out, nil
}}"""
        return f"```{lang}\n{body}\n```"


# ---------------------------------------------------------------- model


class Article:
    __slots__ = ("idx", "section", "slug", "title", "description", "date",
                 "tags", "category", "blocks")

    def path(self):  # relative to content/
        return f"{self.section}/{self.slug}.md"


def zipf_weights(n, s=0.9):
    return [1.0 / (k ** s) for k in range(1, n + 1)]


def build_articles(n, seed):
    rng = random.Random(seed)
    w = Writer(rng)
    tag_weights = zipf_weights(len(TAGS))
    start = datetime.date(2012, 1, 1)
    span = (datetime.date(2024, 12, 31) - start).days
    arts = []
    for i in range(n):
        a = Article()
        a.idx = i
        a.section = SECTIONS[i % 2]
        a.slug = f"post-{i:05d}"
        a.title = w.title()
        a.description = w.clause().capitalize() + "."
        a.date = start + datetime.timedelta(days=rng.randrange(span))
        tags = []
        while len(tags) < 3:
            t = rng.choices(TAGS, weights=tag_weights)[0]
            if t not in tags:
                tags.append(t)
        a.tags = tags
        a.category = rng.choice(CATEGORIES)
        arts.append(a)

    for a in arts:
        a.blocks = article_blocks(w, rng, a, arts)
    return arts


def article_blocks(w, rng, art, arts):
    """Body as a list of blocks. Links are ("link", text, target Article)
    placeholders inside paragraphs, rendered per generator later."""
    n = len(arts)
    others = [arts[rng.randrange(n)] for _ in range(rng.randint(2, 3))]
    others = [o for o in others if o is not art] or [arts[(art.idx + 1) % n]]
    langs = rng.sample(LANGS, rng.randint(1, 2))

    blocks = []
    blocks.append(("p", w.paragraph(2, 4)))
    blocks.append(("more",))
    n_heads = rng.randint(3, 5)
    # distribute: bullet list, numbered list, table, code blocks, links
    extras = ["ul", "ol", "table"] + [("code", l) for l in langs]
    rng.shuffle(extras)
    links = list(others)
    per = [[] for _ in range(n_heads)]
    for i, e in enumerate(extras):
        per[i % n_heads].append(e)
    for h in range(n_heads):
        level = "##" if h == 0 or rng.random() < 0.65 else "###"
        blocks.append(("h", level, w.heading()))
        para = w.paragraph(2, 4)
        if links:
            o = links.pop()
            para = para + f" See [{o.title.lower()}](LINK:{o.idx}) for the details."
        blocks.append(("p", para))
        for e in per[h]:
            if e == "ul":
                blocks.append(("p", w.sentence()[:-1] + ":"))
                blocks.append(("raw", w.bullet_list()))
            elif e == "ol":
                blocks.append(("p", "The order that works for us:"))
                blocks.append(("raw", w.numbered_list()))
            elif e == "table":
                blocks.append(("raw", w.table()))
            else:
                blocks.append(("p", w.paragraph(1, 2)))
                blocks.append(("raw", w.code(e[1])))
        if rng.random() < 0.4:
            blocks.append(("p", w.paragraph(2, 4)))
    while links:
        o = links.pop()
        blocks.append(("p", w.paragraph(2, 3) +
                       f" Related: [{o.title.lower()}](LINK:{o.idx})."))
    # top up to 400-700 words (prose, lists and tables; code not counted)
    words = sum(len(b[1].split()) for b in blocks
                if b[0] in ("p", "h") or (b[0] == "raw" and not b[1].startswith("```")))
    target = rng.randint(420, 680)
    while words < target:
        p = w.paragraph(2, 4)
        blocks.append(("p", p))
        words += len(p.split())
    return blocks


def render_body(art, arts, link_fn, more_marker):
    out = []
    for b in art.blocks:
        kind = b[0]
        if kind == "more":
            out.append(more_marker)
        elif kind == "h":
            out.append(f"{b[1]} {b[2]}")
        else:
            text = b[1]
            if kind == "p" and "LINK:" in text:
                parts = text.split("(LINK:")
                rebuilt = [parts[0]]
                for part in parts[1:]:
                    num, rest = part.split(")", 1)
                    rebuilt.append("(" + link_fn(arts[int(num)]) + ")" + rest)
                text = "".join(rebuilt)
            out.append(text)
    return "\n\n".join(out) + "\n"


def yq(s):
    """Quote a string for YAML/TOML (double quotes, both accept this)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def faq_items(seed, topic):
    rng = random.Random(f"{seed}-faq-{topic}")
    w = Writer(rng)
    items = []
    for _ in range(rng.randint(6, 10)):
        q = (f"How do I {w.pick(VERBS)} {w.noun_phrase()} for "
             f"{topic}?")
        a = [w.paragraph(2, 4)]
        if rng.random() < 0.3:
            a.append(w.bullet_list())
        items.append((q[0].upper() + q[1:], a))
    return items


def pricing_tiers(seed, group):
    rng = random.Random(f"{seed}-pricing-{group}")
    names = (("basic", "Basic"), ("team", "Team"), ("business", "Business"),
             ("enterprise", "Enterprise"))
    count = 4 if group == "plans" else 3
    tiers = []
    for i, (tid, name) in enumerate(names[:count]):
        feats = [f"{w} {n}" for w, n in zip(
            rng.sample(ADJECTIVES, 3), rng.sample(NOUNS, 3))]
        tiers.append({
            "id": f"{group}-{tid}",
            "name": name,
            "amount": (i + 1) * rng.choice((49, 99, 149)),
            "summary": Writer(rng).clause().capitalize() + ".",
            "features": [f.capitalize() for f in feats],
            "seats": str((i + 1) * 3),
            "cta": "Choose " + name,
            "weight": i + 1,
        })
    return tiers


def pricing_yaml(seed, group):
    lines = [f"title: {yq(group.capitalize())}", "tiers:"]
    for t in pricing_tiers(seed, group):
        feats = ", ".join(yq(f) for f in t["features"])
        lines += [
            f"  - id: {t['id']}",
            f"    name: {yq(t['name'])}",
            f"    price: {{ amount: {t['amount']}, currency: USD, period: month }}",
            f"    summary: {yq(t['summary'])}",
            f"    features: [{feats}, {{ name: \"Seats\", value: {yq(t['seats'])} }}]",
            f"    cta: {{ text: {yq(t['cta'])} }}",
            f"    weight: {t['weight']}",
        ]
    return "\n".join(lines) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


# ---------------------------------------------------------------- folio


def write_folio(root, arts, seed, themes):
    write(os.path.join(root, "site.yaml"), """\
title: "Bench"
base_url: "https://bench.example.com"
language: en
description: "Synthetic benchmark site"
theme: default
taxonomies: [tags, categories]
paginate_by: 10
feed: { enabled: true, limit: 20 }
""")
    c = os.path.join(root, "content")
    write(os.path.join(c, "_index.md"),
          '---\ntitle: "Bench"\ndescription: "Synthetic benchmark site"\n---\n\n'
          "A synthetic site for benchmarking: "
          + ", ".join(f"[{s}](/{s}/)" for s in SECTIONS) + ".\n")
    for s in SECTIONS:
        write(os.path.join(c, s, "_index.md"),
              f"---\ntitle: {yq(s.capitalize())}\n"
              f"description: {yq('All ' + s + ' of the benchmark site.')}\n"
              f"sort_by: date\npaginate_by: {PAGINATE_BY}\n---\n\n"
              f"Everything in {s}, newest first.\n")

    def link(o):
        return f"@/{o.path()}"

    for a in arts:
        fm = ("---\n"
              f"title: {yq(a.title)}\n"
              f"description: {yq(a.description)}\n"
              f"date: {a.date.isoformat()}\n"
              f"tags: [{', '.join(a.tags)}]\n"
              f"categories: [{a.category}]\n"
              "---\n\n")
        write(os.path.join(c, a.path()),
              fm + render_body(a, arts, link, "<!-- more -->"))

    for topic in FAQ_TOPICS:
        body = [f"---\ntitle: {yq(topic.capitalize() + ' questions')}\n---\n"]
        for q, ans in faq_items(seed, topic):
            body.append(f"## {q}\n\n" + "\n\n".join(ans) + "\n")
        write(os.path.join(c, "faq", f"{topic}.md"), "\n".join(body))

    for g in PRICING_GROUPS:
        write(os.path.join(c, "pricing", f"{g}.yaml"), pricing_yaml(seed, g))

    if themes:
        dst = os.path.join(root, "themes")
        if os.path.isdir(themes):
            shutil.copytree(themes, dst, dirs_exist_ok=True)
        else:
            print(f"gen_site: warning: themes dir {themes} not found; "
                  f"folio will have no theme under {dst}", file=sys.stderr)


# ---------------------------------------------------------------- hugo

HUGO_TOML = """\
baseURL = "https://bench.example.com/"
languageCode = "en"
title = "Bench"
# Hugo < 0.128 reads `paginate`; newer versions read [pagination].
paginate = {paginate}
rssLimit = {feed_limit}
enableRobotsTXT = true
disableHugoGeneratorInject = true

[pagination]
  pagerSize = {paginate}

[params]
  description = "Synthetic benchmark site"

[taxonomies]
  tag = "tags"
  category = "categories"

# One feed for the whole site, like folio's `feed:` setting; JSON on the
# home page is the static search index (folio writes one too).
[outputs]
  home = ["HTML", "RSS", "JSON"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]

[markup]
  [markup.highlight]
    codeFences = true
    # CSS classes, as folio's highlighter does (not inline styles).
    noClasses = false
    guessSyntax = false
  [markup.tableOfContents]
    startLevel = 2
    endLevel = 3
  [markup.goldmark.renderer]
    unsafe = false
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}" title="{{ site.Title }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
{{ if .IsHome }}<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","name":{{ site.Title }},"url":{{ site.BaseURL }}}</script>
{{ else }}<script type="application/ld+json">{"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":[{{ range $i, $p := .Ancestors.Reverse }}{"@type":"ListItem","position":{{ add $i 1 }},"name":{{ $p.Title }},"item":{{ $p.Permalink }}},{{ end }}{"@type":"ListItem","position":{{ add (len .Ancestors) 1 }},"name":{{ .Title }}}]}</script>
{{ end }}{{ if .IsPage }}<script type="application/ld+json">{"@context":"https://schema.org","@type":"Article","headline":{{ .Title }},"datePublished":{{ .Date.Format "2006-01-02" }},"url":{{ .Permalink }}}</script>
{{ end }}</head>
<body>
<header><nav>
  <a href="{{ "/" | relURL }}">{{ site.Title }}</a>
  {{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}
  <a href="{{ "/tags/" | relURL }}">Tags</a>
</nav></header>
{{ if not .IsHome }}<nav aria-label="Breadcrumb"><ol>
  {{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
  <li aria-current="page">{{ .Title }}</li>
</ol></nav>{{ end }}
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>&copy; {{ now.Year }} {{ site.Title }}</p></footer>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<article>
  <h1>{{ .Title }}</h1>
  <p class="meta">
    {{ with .Date }}<time datetime="{{ .Format "2006-01-02" }}">{{ .Format "January 2, 2006" }}</time>{{ end }}
    &middot; {{ .ReadingTime }} min read
  </p>
  {{ with .Params.tags }}<ul class="tags">
    {{ range . }}<li><a href="{{ "/tags/" | relLangURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}
  </ul>{{ end }}
  {{ with .Params.categories }}<p class="categories">
    {{ range . }}<a href="{{ "/categories/" | relLangURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}
  </p>{{ end }}
  {{ with .TableOfContents }}<aside class="toc"><h2>Contents</h2>{{ . }}</aside>{{ end }}
  {{ .Content }}
</article>
<nav class="prev-next">
  {{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
  {{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"""

PAGER = """\
{{ $p := .Paginator }}
{{ if gt $p.TotalPages 1 }}
<nav class="pagination" aria-label="Pagination">
  {{ if $p.HasPrev }}<a rel="prev" href="{{ $p.Prev.URL }}">Newer</a>{{ end }}
  <span>Page {{ $p.PageNumber }} of {{ $p.TotalPages }}</span>
  {{ if $p.HasNext }}<a rel="next" href="{{ $p.Next.URL }}">Older</a>{{ end }}
</nav>
{{ end }}
"""

SUMMARY = """\
<article class="summary">
  <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  {{ with .Date }}<time datetime="{{ .Format "2006-01-02" }}">{{ .Format "January 2, 2006" }}</time>{{ end }}
  <div>{{ .Summary }}</div>
</article>
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ $pages := .Pages.ByDate.Reverse }}
{{ range (.Paginate $pages).Pages }}{{ partial "summary.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
"""

TERM = """\
{{ define "main" }}
<h1>{{ .Data.Singular | title }}: {{ .Title }}</h1>
{{ range (.Paginate .Pages.ByDate.Reverse).Pages }}{{ partial "summary.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
"""

TAXONOMY = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">
  {{ range .Data.Terms.Alphabetical }}
  <li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
  {{ end }}
</ul>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<h2>Latest</h2>
{{ range first 10 (where site.RegularPages "Section" "in" (slice "articles" "guides")).ByDate.Reverse }}
  {{ partial "summary.html" . }}
{{ end }}
{{ end }}
"""

FAQ_SINGLE = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ end }}
"""

PRICING = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $group := index site.Data.pricing .Params.group }}
<div class="tiers">
{{ range sort $group.tiers "weight" }}
  <section class="tier" id="{{ .id }}">
    <h2>{{ .name }}</h2>
    <p class="price">{{ .price.amount }} {{ .price.currency }} / {{ .price.period }}</p>
    <p>{{ .summary }}</p>
    <ul>
    {{ range .features }}
      {{ if reflect.IsMap . }}<li>{{ .name }}: {{ .value }}</li>{{ else }}<li>{{ . }}</li>{{ end }}
    {{ end }}
    </ul>
    <a class="cta" href="/contact/?plan={{ .id }}">{{ .cta.text }}</a>
  </section>
{{ end }}
</div>
{{ end }}
"""

SEARCH_JSON = """\
{{- $items := slice -}}
{{- range site.RegularPages -}}
{{- $items = $items | append (dict "title" .Title "url" .RelPermalink "section" .Section "tags" (.Params.tags | default slice) "summary" (.Summary | plainify | htmlUnescape)) -}}
{{- end -}}
{{- $items | jsonify -}}
"""

NOT_FOUND = """\
{{ define "main" }}
<h1>Page not found</h1>
<p><a href="{{ "/" | relURL }}">Back to the home page</a></p>
{{ end }}
"""

STYLE_CSS = """\
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: auto; }
.chroma { background: #f6f8fa; overflow-x: auto; }
"""


def write_hugo(root, arts, seed):
    write(os.path.join(root, "hugo.toml"),
          HUGO_TOML.format(paginate=PAGINATE_BY, feed_limit=FEED_LIMIT))
    L = os.path.join(root, "layouts")
    write(os.path.join(L, "_default", "baseof.html"), BASEOF)
    write(os.path.join(L, "_default", "single.html"), SINGLE)
    write(os.path.join(L, "_default", "list.html"), LIST)
    write(os.path.join(L, "_default", "taxonomy.html"), TAXONOMY)
    write(os.path.join(L, "_default", "term.html"), TERM)
    write(os.path.join(L, "index.html"), HOME)
    write(os.path.join(L, "index.json"), SEARCH_JSON)
    write(os.path.join(L, "404.html"), NOT_FOUND)
    write(os.path.join(L, "faq", "single.html"), FAQ_SINGLE)
    write(os.path.join(L, "pricing", "single.html"), PRICING)
    write(os.path.join(L, "partials", "pager.html"), PAGER)
    write(os.path.join(L, "partials", "summary.html"), SUMMARY)
    write(os.path.join(root, "static", "style.css"), STYLE_CSS)

    c = os.path.join(root, "content")
    write(os.path.join(c, "_index.md"),
          '---\ntitle: "Bench"\ndescription: "Synthetic benchmark site"\n---\n\n'
          "A synthetic site for benchmarking: "
          + ", ".join(f"[{s}](/{s}/)" for s in SECTIONS) + ".\n")
    for s in SECTIONS:
        write(os.path.join(c, s, "_index.md"),
              f"---\ntitle: {yq(s.capitalize())}\n"
              f"description: {yq('All ' + s + ' of the benchmark site.')}\n"
              "---\n\n"
              f"Everything in {s}, newest first.\n")

    def link(o):
        return '{{< relref "/' + o.path() + '" >}}'

    for a in arts:
        fm = ("---\n"
              f"title: {yq(a.title)}\n"
              f"description: {yq(a.description)}\n"
              f"date: {a.date.isoformat()}\n"
              f"tags: [{', '.join(a.tags)}]\n"
              f"categories: [{a.category}]\n"
              "---\n\n")
        write(os.path.join(c, a.path()),
              fm + render_body(a, arts, link, "<!--more-->"))

    write(os.path.join(c, "faq", "_index.md"), '---\ntitle: "FAQ"\n---\n')
    for topic in FAQ_TOPICS:
        body = [f"---\ntitle: {yq(topic.capitalize() + ' questions')}\n---\n"]
        for q, ans in faq_items(seed, topic):
            body.append(f"## {q}\n\n" + "\n\n".join(ans) + "\n")
        write(os.path.join(c, "faq", f"{topic}.md"), "\n".join(body))

    write(os.path.join(c, "pricing", "_index.md"), '---\ntitle: "Pricing"\n---\n')
    for g in PRICING_GROUPS:
        write(os.path.join(root, "data", "pricing", f"{g}.yaml"),
              pricing_yaml(seed, g))
        write(os.path.join(c, "pricing", f"{g}.md"),
              f"---\ntitle: {yq(g.capitalize())}\ngroup: {g}\n---\n")


# ---------------------------------------------------------------- main


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, required=True,
                    help="number of articles (split between two sections)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--themes", default=os.path.join(os.path.dirname(here), "themes"),
                    help="folio themes dir to copy into DIR/folio/themes "
                         "(default: the repo's themes/; '' to skip)")
    args = ap.parse_args()
    if args.pages < 2:
        ap.error("--pages must be at least 2")

    for sub in ("folio", "hugo"):
        p = os.path.join(args.out, sub)
        if os.path.exists(p):
            shutil.rmtree(p)

    arts = build_articles(args.pages, args.seed)
    write_folio(os.path.join(args.out, "folio"), arts, args.seed, args.themes)
    write_hugo(os.path.join(args.out, "hugo"), arts, args.seed)
    print(f"gen_site: {args.pages} articles, {len(FAQ_TOPICS)} FAQ files, "
          f"{len(PRICING_GROUPS)} pricing groups -> {args.out}/folio, {args.out}/hugo")


if __name__ == "__main__":
    main()
