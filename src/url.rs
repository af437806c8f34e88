//! URL rules in one place: the address of a page, a section, a taxonomy term, an alias or a
//! list page, and the output file an address is written to. Ground floor: only `text` below it.

/// Folder of a content key (`articles/x.md` → `articles`, `x.md` → ``).
pub fn parent_dir(key: &str) -> &str {
    key.rfind('/').map_or("", |i| &key[..i])
}

pub fn slugify_path(p: &str) -> String {
    p.split('/').filter(|s| !s.is_empty()).map(crate::text::slugify).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")
}

/// URL of a page from its key and optional `slug:`.
pub fn page_url(key: &str, slug: Option<&str>) -> String {
    let mut dir = parent_dir(key);
    let file = &key[dir.len() + usize::from(!dir.is_empty())..];
    let mut stem = file.strip_suffix(".md").unwrap_or(file);
    if stem == "index" && !dir.is_empty() {
        // `articles/x/index.md`: the page is the folder, its other files sit beside it.
        stem = &dir[dir.rfind('/').map_or(0, |i| i + 1)..];
        dir = parent_dir(dir);
    }
    let slug = match slug {
        Some(s) => slugify_path(s),
        None => crate::text::slugify(stem),
    };
    let slug = if slug.is_empty() { "page".to_string() } else { slug };
    let dir = slugify_path(dir);
    if dir.is_empty() {
        format!("/{slug}/")
    } else {
        format!("/{dir}/{slug}/")
    }
}

pub fn section_url(dir: &str) -> String {
    let d = slugify_path(dir);
    if d.is_empty() {
        "/".into()
    } else {
        format!("/{d}/")
    }
}

/// Output file for a URL path (`/a/` → `a/index.html`).
pub fn url_to_file(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// The address an output file is served at (`a/index.html` → `/a/`): [`url_to_file`] reversed.
pub fn file_to_url(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{file}"),
    }
}

/// URL of page `n` of a list at `base` (`/articles/` → `/articles/page/2/`).
pub fn pager_url(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The address an `aliases:` entry claims: a folder URL unless it names a file (`old.html`).
pub fn alias_url(alias: &str) -> String {
    if alias.ends_with('/') || alias.contains('.') {
        alias.to_string()
    } else {
        format!("{alias}/")
    }
}

/// `/tags/`.
pub fn taxonomy_url(taxonomy: &str) -> String {
    format!("/{taxonomy}/")
}

/// `/tags/rust/` for a term's slug.
pub fn term_url(taxonomy: &str, slug: &str) -> String {
    format!("/{taxonomy}/{slug}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_from_keys_and_slugs() {
        assert_eq!(page_url("articles/What Is A CTO.md", None), "/articles/what-is-a-cto/");
        assert_eq!(page_url("about.md", None), "/about/");
        assert_eq!(page_url("articles/x/index.md", None), "/articles/x/");
        assert_eq!(page_url("contact-thanks.md", Some("contact/thanks")), "/contact/thanks/");
        assert_eq!(page_url("articles/a.md", Some("Über Größe")), "/articles/uber-grosse/");
        assert_eq!(page_url("a/日本語.md", None), "/a/ri-ben-yu/");
        assert_eq!(section_url(""), "/");
        assert_eq!(section_url("articles"), "/articles/");
        assert_eq!(url_to_file("/a/b/"), "a/b/index.html");
        assert_eq!(url_to_file("/404.html"), "404.html");
        assert_eq!(alias_url("/old"), "/old/");
        assert_eq!(alias_url("/old.html"), "/old.html");
        assert_eq!(pager_url("/a/", 2), "/a/page/2/");
        for url in ["/", "/a/b/", "/404.html", "/atom.xml", "/old.html"] {
            assert_eq!(file_to_url(&url_to_file(url)), url);
        }
        assert_eq!(file_to_url("myindex.html"), "/myindex.html");
    }
}
