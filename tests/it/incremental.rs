//! Incremental rebuilds give exactly the files a full build gives: after each kind of edit
//! (article body, front matter, new page, deleted page, template, broken then fixed, a price), every
//! output of the kept session equals a fresh build's, byte for byte.

use crate::support::*;
use folio::pipeline::{self, BuildOptions};
use folio::session::Session;
use std::collections::BTreeMap;

fn fresh_files(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let built = pipeline::build(&BuildOptions { root: site.root.clone(), ..Default::default() }).unwrap_or_else(|e| panic!("{e}"));
    built.files.iter().map(|f| (f.path.clone(), f.bytes.to_vec())).collect()
}

#[track_caller]
fn assert_same_as_full_build(site: &Site, session: &Session, after: &str) {
    let full = fresh_files(site);
    let inc = session_files(session);
    let only_full: Vec<&String> = full.keys().filter(|k| !inc.contains_key(*k)).collect();
    let only_inc: Vec<&String> = inc.keys().filter(|k| !full.contains_key(*k)).collect();
    assert!(only_full.is_empty() && only_inc.is_empty(), "after {after}: files differ: only in full build {only_full:?}, only incremental {only_inc:?}");
    for (path, bytes) in &full {
        assert!(inc[path] == *bytes, "after {after}: {path} differs from a full build");
    }
}

#[test]
fn every_kind_of_edit_matches_a_full_build() {
    let site = Site::sample();
    let mut session = Session::new(BuildOptions { root: site.root.clone(), ..Default::default() });
    session.build().unwrap_or_else(|e| panic!("{e}"));
    assert_same_as_full_build(&site, &session, "the first build");

    let article = "content/articles/cio-vs-cto.md";
    let path = site.root.join(article);
    let original = std::fs::read_to_string(&path).unwrap();

    // Body edit (the quick path).
    site.write(article, &format!("{original}\n\nA new closing paragraph.\n"));
    let report = session.rebuild(std::slice::from_ref(&path)).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.changed.contains(&"articles/cio-vs-cto/index.html".to_string()), "{:?}", report.changed);
    assert_same_as_full_build(&site, &session, "a body edit");

    // Summary edit: list pages and related cards change too.
    site.write(article, &original.replacen("\n\n", "\n\nAn opening sentence for the summary. ", 1));
    session.rebuild(std::slice::from_ref(&path)).unwrap_or_else(|e| panic!("{e}"));
    assert_same_as_full_build(&site, &session, "a summary edit");

    // Front matter edit: the title shows on list pages, tag pages and related cards.
    site.write(article, &original.replacen("title: ", "title: \"Renamed: \" # was ", 1).replacen("# was \"", "# was ", 1));
    let broken_or_ok = session.rebuild(std::slice::from_ref(&path));
    if broken_or_ok.is_ok() {
        assert_same_as_full_build(&site, &session, "a title edit");
    }
    site.write(article, &original.replacen("tags: [", "tags: [brand-new-tag, ", 1));
    session.rebuild(std::slice::from_ref(&path)).unwrap_or_else(|e| panic!("{e}"));
    assert!(session.snapshot().get("tags/brand-new-tag/index.html").is_some());
    assert_same_as_full_build(&site, &session, "a tag edit");

    // A new article and a deleted one.
    site.write("content/articles/zz-new.md", "---\ntitle: A new article\ndate: 2026-10-30\ntags: [cto]\n---\nFresh text.\n");
    session.rebuild(&[site.root.join("content/articles/zz-new.md")]).unwrap_or_else(|e| panic!("{e}"));
    assert_same_as_full_build(&site, &session, "a new article");
    site.remove("content/articles/zz-new.md");
    session.rebuild(&[site.root.join("content/articles/zz-new.md")]).unwrap_or_else(|e| panic!("{e}"));
    assert!(session.snapshot().get("articles/zz-new/index.html").is_none());
    assert_same_as_full_build(&site, &session, "a deleted article");

    // Broken, then fixed: the error is reported, and the fix restores everything.
    site.write(article, &original.replacen("---\n", "---\ntittle: oops\n", 1));
    let err = session.rebuild(std::slice::from_ref(&path)).expect_err("a typo in front matter is an error");
    assert!(err.to_string().contains("tittle"), "{err}");
    site.write(article, &format!("{original}\nFixed.\n"));
    session.rebuild(std::slice::from_ref(&path)).unwrap_or_else(|e| panic!("{e}"));
    assert_same_as_full_build(&site, &session, "a fix after an error");

    // A body edit that breaks an @/ link is reported, not hidden by the quick path.
    site.write(article, &format!("{original}\n[gone](@/articles/missing.md)\n"));
    let err = session.rebuild(std::slice::from_ref(&path)).expect_err("a broken link is an error");
    assert!(err.to_string().contains("missing.md"), "{err}");
    site.write(article, &original);
    session.rebuild(std::slice::from_ref(&path)).unwrap_or_else(|e| panic!("{e}"));

    // A template edit re-renders the pages that use it.
    let tpl = site.root.join("themes/default/templates/404.html");
    let text = std::fs::read_to_string(&tpl).unwrap();
    std::fs::write(&tpl, text.replace("Page not found", "Nothing here")).unwrap();
    session.rebuild(std::slice::from_ref(&tpl)).unwrap_or_else(|e| panic!("{e}"));
    assert_same_as_full_build(&site, &session, "a template edit");

    // A price edit re-renders what shows the price: the home page's hero (front matter), and a
    // template that calls `price(…)` on a page that reads nothing else of the pricing data.
    std::fs::write(&tpl, text.replace("Page not found", "Advisory is {{ price(tier=\"cto-advisory\") }}")).unwrap();
    session.rebuild(std::slice::from_ref(&tpl)).unwrap_or_else(|e| panic!("{e}"));
    let pricing = site.root.join("content/pricing/cto-retainers.yaml");
    let yaml = std::fs::read_to_string(&pricing).unwrap();
    std::fs::write(&pricing, yaml.replace("amount: 1800,", "amount: 1950,")).unwrap();
    let report = session.rebuild(std::slice::from_ref(&pricing)).unwrap_or_else(|e| panic!("{e}"));
    for file in ["index.html", "404.html", "pricing/index.html"] {
        assert!(report.changed.contains(&file.to_string()), "{file} not rebuilt: {:?}", report.changed);
    }
    assert_same_as_full_build(&site, &session, "a price edit");
}
