//! URL rules in one place: the address of a page, a section, a taxonomy term, an alias or a
//! list page, and the output file an address is written to. Ground floor: only `text` below it.
//!
//! Also the rules that keep a site portable (README, "Paths on every system"): `\` reads as `/`,
//! output files are compared by [`fold_key`] (case and Unicode normalisation folded, as Windows
//! and macOS do), names Windows reserves are escaped in slugs folio makes ([`escape_reserved`])
//! and reported elsewhere ([`component_problem`]), and no name is longer than [`MAX_NAME_BYTES`].

use unicode_normalization::UnicodeNormalization;

/// The redirect rules Netlify and Cloudflare Pages read, at the output root.
pub const REDIRECTS_FILE: &str = "_redirects";

/// The longest file or folder name (one path component) file systems accept, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// `\` written as a folder separator (`articles\x.md`) read as `/`, as Windows does.
pub fn forward_slashes(p: &str) -> std::borrow::Cow<'_, str> {
    if p.contains('\\') {
        std::borrow::Cow::Owned(p.replace('\\', "/"))
    } else {
        std::borrow::Cow::Borrowed(p)
    }
}

/// The key under which Windows and macOS see an output file: Unicode NFC, lower case. Two
/// files with one key are one file there (`About/index.html` and `about/index.html`, an NFD and
/// an NFC `café.png`).
pub fn fold_key(file: &str) -> String {
    forward_slashes(file).nfc().collect::<String>().to_lowercase()
}

/// `s` in Unicode NFC (macOS saves file names in NFD; both spellings are one URL).
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// `s` in NFC and in NFD, where they differ from `s` (to find a file saved in either form).
pub fn normalised_forms(s: &str) -> impl Iterator<Item = String> + '_ {
    [nfc(s), s.nfd().collect()].into_iter().filter(move |t| t != s)
}

/// Whether Windows reserves `name` for a device: `con`, `prn`, `aux`, `nul`, `com1`–`com9`,
/// `lpt1`–`lpt9`, in any case, with any extension (`con.txt`, `Nul.tar.gz`).
pub fn is_reserved_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ').to_ascii_lowercase();
    match stem.as_str() {
        "con" | "prn" | "aux" | "nul" => true,
        _ => {
            let (head, digit) = stem.split_at(stem.len().min(3));
            matches!(head, "com" | "lpt") && digit.len() == 1 && matches!(digit.as_bytes()[0], b'1'..=b'9')
        }
    }
}

/// A slug component folio made, escaped if Windows reserves it: `con` → `con-`. Slugs are
/// lowercase letters, digits and `-`, so a reserved name is the only thing to escape.
pub fn escape_reserved(slug: &str) -> String {
    if is_reserved_name(slug) {
        format!("{slug}-")
    } else {
        slug.to_string()
    }
}

/// Why a file or folder name cannot be written on every system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// A device name on Windows ([`is_reserved_name`]).
    Reserved,
    /// Ends in `.` or ` `, which Windows drops.
    TrailingDotOrSpace,
    /// Longer than [`MAX_NAME_BYTES`]; the length in bytes.
    TooLong(usize),
    /// Has a character Windows forbids in names (`< > : " | ? *` or a control character).
    Forbidden(char),
}

/// What is wrong with one path component, if anything.
pub fn component_problem(name: &str) -> Option<NameProblem> {
    if name.len() > MAX_NAME_BYTES {
        Some(NameProblem::TooLong(name.len()))
    } else if is_reserved_name(name) {
        Some(NameProblem::Reserved)
    } else if name.ends_with('.') || name.ends_with(' ') {
        Some(NameProblem::TrailingDotOrSpace)
    } else {
        name.chars().find(|c| matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') || c.is_control()).map(NameProblem::Forbidden)
    }
}

/// The first component of an output file (`/`-separated) that cannot be written everywhere.
pub fn file_problem(file: &str) -> Option<(&str, NameProblem)> {
    file.split('/').filter(|c| !c.is_empty()).find_map(|c| component_problem(c).map(|p| (c, p)))
}

/// Folder of a content key (`articles/x.md` → `articles`, `x.md` → ``).
pub fn parent_dir(key: &str) -> &str {
    key.rfind('/').map_or("", |i| &key[..i])
}

/// A slug made from a name: [`crate::text::slugify`], then [`escape_reserved`].
pub fn slug(name: &str) -> String {
    escape_reserved(&crate::text::slugify(name))
}

/// Each folder of `p` (`/`- or `\`-separated) made a [`slug`].
pub fn slugify_path(p: &str) -> String {
    forward_slashes(p).split('/').map(slug).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")
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
        None => self::slug(stem),
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
    let alias = nfc(&forward_slashes(alias));
    if alias.ends_with('/') || alias.contains('.') {
        alias
    } else {
        format!("{alias}/")
    }
}

/// The output file a link written in the page at `page_url` leads to, for a path of the site:
/// absolute (`/images/x.png`) or relative to the page's address as a browser reads it (`x.png`,
/// `../x.png`); query and fragment dropped, `%xx` decoded, `.` and `..` applied, a folder
/// address read as its `index.html`.
pub fn link_file(page_url: &str, href: &str) -> String {
    let path = href.split(['?', '#']).next().unwrap_or("");
    let base = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{base}{path}") };
    let tidy = tidy_path(&joined);
    let folder = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..") || tidy.is_empty();
    let file = percent_decode(&tidy);
    if folder {
        if file.is_empty() {
            "index.html".into()
        } else {
            format!("{file}/index.html")
        }
    } else {
        file
    }
}

/// `a/./b/../c` → `a/c`: a `/`-separated path with its `.` and `..` folders applied (never
/// above the root) and empty parts dropped, without a leading or trailing `/`.
pub fn tidy_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Bytes that cannot stand as they are in an address inside an HTML attribute or a `srcset`
/// list (where a space or a comma ends the address): `%` is not among them, so an address
/// already encoded stays as it is.
const UNSAFE_IN_SRCSET: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'{').add(b'}').add(b'|').add(b'\\').add(b'^').add(b',');

/// An address as written, with spaces, commas, braces and letters beyond ASCII percent-encoded:
/// safe in `src` and in a `srcset` list (`my photo.jpg` → `my%20photo.jpg`).
pub fn encode_address(url: &str) -> String {
    percent_encoding::utf8_percent_encode(url, UNSAFE_IN_SRCSET).to_string()
}

/// `%xx` sequences decoded (bytes that do not form UTF-8 are replaced).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `/tags/`.
pub fn taxonomy_url(taxonomy: &str) -> String {
    format!("/{taxonomy}/")
}

/// `/tags/rust/` for a term's slug.
pub fn term_url(taxonomy: &str, slug: &str) -> String {
    format!("/{taxonomy}/{}/", escape_reserved(slug))
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_are_safe_in_srcset_and_encoded_ones_stay() {
        assert_eq!(encode_address("/images/my photo, final-480w.jpg"), "/images/my%20photo%2C%20final-480w.jpg");
        assert_eq!(encode_address("/images/my%20photo.jpg"), "/images/my%20photo.jpg");
        assert_eq!(encode_address("/images/café.jpg"), "/images/caf%C3%A9.jpg");
        assert_eq!(link_file("/", &encode_address("/images/café {1}.jpg")), "images/café {1}.jpg");
    }

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

    #[test]
    fn links_lead_to_output_files_as_a_browser_reads_them() {
        assert_eq!(link_file("/articles/a/", "/images/x.png"), "images/x.png");
        assert_eq!(link_file("/articles/a/", "x.png"), "articles/a/x.png");
        assert_eq!(link_file("/articles/a/", "./x.png?v=2#top"), "articles/a/x.png");
        assert_eq!(link_file("/articles/a/", "../x.png"), "articles/x.png");
        assert_eq!(link_file("/articles/a/", "../../../x.png"), "x.png");
        assert_eq!(link_file("/404.html", "x.png"), "x.png");
        assert_eq!(link_file("/a/", "/files/my%20file.pdf"), "files/my file.pdf");
        assert_eq!(link_file("/a/", "/docs/"), "docs/index.html");
        assert_eq!(link_file("/a/", "/"), "index.html");
        assert_eq!(percent_decode("caf%C3%A9%2"), "caf\u{e9}%2");
    }

    #[test]
    fn backslashes_are_folder_separators() {
        assert_eq!(forward_slashes("articles\\x.md"), "articles/x.md");
        assert_eq!(page_url("a.md", Some("contact\\thanks")), "/contact/thanks/");
        assert_eq!(section_url("docs\\guide"), "/docs/guide/");
        assert_eq!(alias_url("\\old\\home"), "/old/home/");
    }

    #[test]
    fn case_and_normalisation_fold_to_one_key() {
        let nfd = "cafe\u{301}.png";
        let nfc = "caf\u{e9}.png";
        assert_ne!(nfd, nfc);
        assert_eq!(fold_key(nfd), fold_key(nfc));
        assert_eq!(fold_key("Logo.PNG"), fold_key("logo.png"));
        assert_eq!(fold_key("About/index.html"), "about/index.html");
        assert_ne!(fold_key("a/index.html"), fold_key("b/index.html"));
        assert_eq!(page_url("caf\u{e9}.md", None), page_url("cafe\u{301}.md", None));
        assert_eq!(page_url("x.md", Some("caf\u{e9}")), page_url("cafe\u{301}.md", None));
        assert_eq!(normalised_forms("cafe\u{301}.md").collect::<Vec<_>>(), ["caf\u{e9}.md"]);
        assert_eq!(normalised_forms("caf\u{e9}.md").collect::<Vec<_>>(), ["cafe\u{301}.md"]);
        assert_eq!(normalised_forms("plain.md").count(), 0);
    }

    #[test]
    fn reserved_names_in_any_case_with_any_extension() {
        for n in ["con", "CON", "Nul.txt", "aux.tar.gz", "prn", "com1", "COM9.log", "lpt5", "lpt9.html"] {
            assert!(is_reserved_name(n), "{n}");
        }
        for n in ["cons", "icon", "com", "com0", "com10", "lpt", "nul-", "con-", "page", "contact"] {
            assert!(!is_reserved_name(n), "{n}");
        }
    }

    #[test]
    fn slugs_folio_makes_are_escaped() {
        assert_eq!(page_url("con.md", None), "/con-/");
        assert_eq!(page_url("a.md", Some("Nul")), "/nul-/");
        assert_eq!(page_url("aux/x.md", None), "/aux-/x/");
        assert_eq!(section_url("COM1"), "/com1-/");
        assert_eq!(term_url("tags", "lpt1"), "/tags/lpt1-/");
        assert_eq!(term_url("tags", "rust"), "/tags/rust/");
        assert_eq!(escape_reserved("contact"), "contact");
    }

    #[test]
    fn names_that_cannot_be_written_everywhere() {
        assert_eq!(component_problem("logo.png"), None);
        assert_eq!(component_problem("con.png"), Some(NameProblem::Reserved));
        assert_eq!(component_problem("notes."), Some(NameProblem::TrailingDotOrSpace));
        assert_eq!(component_problem("notes "), Some(NameProblem::TrailingDotOrSpace));
        assert_eq!(component_problem(&"a".repeat(255)), None);
        assert_eq!(component_problem(&"a".repeat(256)), Some(NameProblem::TooLong(256)));
        assert_eq!(component_problem(&"\u{e9}".repeat(128)), Some(NameProblem::TooLong(256)));
        assert_eq!(file_problem("old/aux/index.html"), Some(("aux", NameProblem::Reserved)));
        assert_eq!(file_problem("a/b/index.html"), None);
        assert_eq!(component_problem("old.php?id=3"), Some(NameProblem::Forbidden('?')));
        assert_eq!(component_problem("a:b"), Some(NameProblem::Forbidden(':')));
        assert_eq!(component_problem("say \"hi\""), Some(NameProblem::Forbidden('"')));
        assert_eq!(component_problem("tab\there"), Some(NameProblem::Forbidden('\t')));
        assert_eq!(component_problem("caf\u{e9} & co (1)"), None);
    }
}
