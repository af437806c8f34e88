//! Turning a request-target into a file of the built site: strict decoding that refuses every
//! way out of the site (dot segments, encoded or double-encoded dots and slashes, backslashes,
//! NUL and control bytes, overlong paths), folder → `index.html` resolution, and Content-Types.
//! All pure functions: the server looks the result up in the in-memory snapshot, never on disk.

/// Longest request-target accepted, in bytes (before decoding).
pub const MAX_TARGET: usize = 2048;

/// Why a request-target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Longer than [`MAX_TARGET`]: 414.
    TooLong,
    /// Anything else (traversal, bad encoding, not origin-form): 400.
    Bad(&'static str),
}

/// A decoded, safe site path: `/`-separated segments with no empty, `.` or `..` segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    /// Without the leading `/`; empty for the home page.
    pub path: String,
    /// The target ended with `/` (a folder).
    pub trailing_slash: bool,
    /// The raw query (after `?`), if any: kept only for redirects.
    pub query: Option<String>,
}

/// Decodes `%XX` escapes strictly: a `%` not followed by two hex digits is an error.
pub fn percent_decode(s: &str) -> Result<Vec<u8>, Refused> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(Refused::Bad("malformed percent-encoding")),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Parses an origin-form request-target (`/a/b/?q`) into a [`SitePath`], or refuses it.
pub fn sanitize(target: &str) -> Result<SitePath, Refused> {
    if target.len() > MAX_TARGET {
        return Err(Refused::TooLong);
    }
    if !target.starts_with('/') {
        return Err(Refused::Bad("the request-target must be a path starting with /"));
    }
    let target = target.split('#').next().unwrap_or_default();
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (target, None),
    };
    // Escaped separators would change which segments the path has after decoding.
    let lower = raw_path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err(Refused::Bad("encoded slash"));
    }
    let decoded = percent_decode(raw_path)?;
    if decoded.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err(Refused::Bad("control character or NUL"));
    }
    if decoded.contains(&b'\\') {
        return Err(Refused::Bad("backslash"));
    }
    let decoded = String::from_utf8(decoded).map_err(|_| Refused::Bad("not UTF-8"))?;
    // A `%` left after one decoding is double encoding (`%252e`): nothing in a site needs it.
    if decoded.contains('%') {
        return Err(Refused::Bad("double percent-encoding"));
    }
    let trailing_slash = decoded.ends_with('/');
    let inner = decoded.trim_start_matches('/');
    if decoded.len() - inner.len() > 1 {
        return Err(Refused::Bad("empty path segment"));
    }
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let mut segments = Vec::new();
    if !inner.is_empty() {
        for seg in inner.split('/') {
            match seg {
                "" => return Err(Refused::Bad("empty path segment")),
                "." | ".." => return Err(Refused::Bad("dot segment")),
                s => segments.push(s),
            }
        }
    }
    Ok(SitePath { path: segments.join("/"), trailing_slash, query })
}

/// What a safe path maps to in the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Serve this output file.
    File(String),
    /// A folder asked for without its slash: redirect here (already percent-encoded).
    Redirect(String),
    NotFound,
}

/// Maps a path to an output file: folders serve their `index.html`, `/x` redirects to `/x/`
/// when `x` is a folder. `exists` answers whether an output path is in the snapshot.
pub fn resolve(p: &SitePath, exists: impl Fn(&str) -> bool) -> Resolved {
    if p.path.is_empty() {
        return if exists("index.html") { Resolved::File("index.html".into()) } else { Resolved::NotFound };
    }
    if p.trailing_slash {
        let index = format!("{}/index.html", p.path);
        return if exists(&index) { Resolved::File(index) } else { Resolved::NotFound };
    }
    if exists(&p.path) {
        return Resolved::File(p.path.clone());
    }
    if exists(&format!("{}/index.html", p.path)) {
        let mut location = format!("/{}/", encode_path(&p.path));
        if let Some(q) = &p.query {
            location.push('?');
            location.push_str(&encode_query(q));
        }
        return Resolved::Redirect(location);
    }
    Resolved::NotFound
}

/// Percent-encodes everything in a decoded path except unreserved characters and `/`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Keeps a raw query safe to echo in a `Location` header (no CR, LF or other controls).
fn encode_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for b in q.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The Content-Type for an output path, by extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "jsonld" => "application/ld+json",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "eot" => "application/vnd.ms-fontobject",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        "wav" => "audio/wav",
        "m4a" => "audio/mp4",
        "vtt" => "text/vtt; charset=utf-8",
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ok(t: &str) -> SitePath {
        sanitize(t).unwrap_or_else(|e| panic!("{t}: {e:?}"))
    }

    #[test]
    fn accepts_ordinary_paths() {
        assert_eq!(ok("/"), SitePath { path: String::new(), trailing_slash: true, query: None });
        assert_eq!(ok("/articles/x/").path, "articles/x");
        assert!(ok("/articles/x/").trailing_slash);
        assert_eq!(ok("/css/site.css?v=3").query.as_deref(), Some("v=3"));
        assert_eq!(ok("/images/a%20b.png").path, "images/a b.png");
        assert_eq!(ok("/caf%C3%A9/").path, "café");
        assert_eq!(ok("/a/b#frag").path, "a/b");
        assert_eq!(ok("/.well-known/x").path, ".well-known/x");
    }

    #[test]
    fn refuses_every_traversal_spelling() {
        for t in [
            "/../etc/passwd",
            "/articles/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/.%2e/etc/passwd",
            "/%252e%252e/etc/passwd",
            "/%252fetc%252fpasswd",
            "/..%2fetc%2fpasswd",
            "/..%2Fetc",
            "/..%5cetc",
            "/..\\etc\\passwd",
            "/a\\..\\..\\b",
            "//etc/passwd",
            "/a//b",
            "/./index.html",
            "/a/./b",
            "/etc/passwd%00.html",
            "/a%0d%0aSet-Cookie:x",
            "/a%7fb",
            "/%ff%fe",
            "/%zz",
            "/%2",
            "http://evil.example/etc/passwd",
            "etc/passwd",
            "*",
        ] {
            assert!(matches!(sanitize(t), Err(Refused::Bad(_))), "{t} should be refused, got {:?}", sanitize(t));
        }
    }

    #[test]
    fn refuses_overlong_targets() {
        let long = format!("/{}", "a".repeat(MAX_TARGET));
        assert_eq!(sanitize(&long), Err(Refused::TooLong));
        assert!(sanitize(&format!("/{}", "a".repeat(MAX_TARGET - 1))).is_ok());
    }

    #[test]
    fn percent_decoding_is_strict() {
        assert_eq!(percent_decode("a%41%6a").unwrap(), b"aAj");
        assert!(percent_decode("%4").is_err());
        assert!(percent_decode("%g1").is_err());
    }

    fn site<'a>(files: &'a [&'a str]) -> impl Fn(&str) -> bool + 'a {
        move |p| files.contains(&p)
    }

    #[test]
    fn resolves_folders_files_and_redirects() {
        let files = site(&["index.html", "articles/index.html", "articles/x/index.html", "css/site.css"]);
        assert_eq!(resolve(&ok("/"), &files), Resolved::File("index.html".into()));
        assert_eq!(resolve(&ok("/articles/"), &files), Resolved::File("articles/index.html".into()));
        assert_eq!(resolve(&ok("/articles/x"), &files), Resolved::Redirect("/articles/x/".into()));
        assert_eq!(resolve(&ok("/articles?page=2"), &files), Resolved::Redirect("/articles/?page=2".into()));
        assert_eq!(resolve(&ok("/css/site.css"), &files), Resolved::File("css/site.css".into()));
        assert_eq!(resolve(&ok("/css/site.css/"), &files), Resolved::NotFound);
        assert_eq!(resolve(&ok("/nope"), &files), Resolved::NotFound);
        assert_eq!(resolve(&ok("/index.html"), &files), Resolved::File("index.html".into()));
    }

    #[test]
    fn redirect_locations_are_encoded() {
        let files = site(&["a b/index.html"]);
        assert_eq!(resolve(&ok("/a%20b"), &files), Resolved::Redirect("/a%20b/".into()));
        assert_eq!(encode_path("é/x"), "%C3%A9/x");
    }

    #[test]
    fn content_types_by_extension() {
        for (p, t) in [
            ("index.html", "text/html; charset=utf-8"),
            ("css/site.css", "text/css; charset=utf-8"),
            ("js/search.js", "text/javascript; charset=utf-8"),
            ("search-index.json", "application/json"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("atom.xml", "application/xml; charset=utf-8"),
            ("images/logo.svg", "image/svg+xml"),
            ("a.PNG", "image/png"),
            ("a.jpeg", "image/jpeg"),
            ("a.jpg", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.gif", "image/gif"),
            ("favicon.ico", "image/x-icon"),
            ("f.woff2", "font/woff2"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("doc.pdf", "application/pdf"),
            ("v.mp4", "video/mp4"),
            ("README", "application/octet-stream"),
        ] {
            assert_eq!(content_type(p), t, "{p}");
        }
    }
}
