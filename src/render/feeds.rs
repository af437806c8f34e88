//! Machine-readable outputs: the Atom feed, sitemap.xml and robots.txt. Built as strings (no
//! templates): their formats are fixed and this keeps them fast and always well-formed.

use super::views::rfc3339;
use crate::model::Site;
use crate::text::escape_html as esc;
use std::fmt::Write;

pub fn atom(site: &Site) -> String {
    let c = site.config();
    let ids: Vec<usize> = site.dated_pages().into_iter().take(c.feed.limit).collect();
    let updated =
        ids.iter().filter_map(|&i| site.pages[i].updated.or(site.pages[i].date)).max().map(|d| rfc3339(&d)).unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut x = String::with_capacity(4096 + ids.len() * 2048);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<subtitle>{}</subtitle>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>\n<updated>{}</updated>\n<id>{}/</id>\n<generator uri=\"https://github.com/folio-ssg/folio\">folio</generator>\n",
        esc(&c.language),
        esc(&c.title),
        esc(&c.description),
        esc(&c.permalink(&format!("/{}", c.feed.filename))),
        esc(&c.base_url),
        updated,
        esc(&c.base_url)
    );
    for &i in &ids {
        let p = &site.pages[i];
        let link = c.permalink(&p.url);
        let published = p.date.map(|d| rfc3339(&d)).unwrap_or_default();
        let upd = p.updated.or(p.date).map(|d| rfc3339(&d)).unwrap_or_default();
        let author = p.meta.author.as_deref().or(c.author.as_deref()).unwrap_or(&c.title);
        let _ = write!(
            x,
            "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n<published>{}</published>\n<updated>{}</updated>\n<author><name>{}</name></author>\n",
            esc(&p.title),
            esc(&link),
            esc(&link),
            published,
            upd,
            esc(author)
        );
        for t in &p.meta.tags {
            let _ = writeln!(x, "<category term=\"{}\"/>", esc(t));
        }
        let summary = p.meta.description.clone().unwrap_or_else(|| crate::text::html_to_text(&p.rendered.summary_html));
        let _ = write!(x, "<summary>{}</summary>\n<content type=\"html\">{}</content>\n</entry>\n", esc(&summary), esc(&p.rendered.html.text()));
    }
    x.push_str("</feed>\n");
    x
}

/// `urls` are (path, lastmod) pairs; the caller decides which pages are listed.
pub fn sitemap(site: &Site, urls: &[(String, Option<String>)]) -> String {
    let mut x = String::with_capacity(128 + urls.len() * 120);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, lastmod) in urls {
        let _ = write!(x, "<url><loc>{}</loc>", esc(&site.config().permalink(path)));
        if let Some(m) = lastmod {
            let _ = write!(x, "<lastmod>{m}</lastmod>");
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

pub fn robots(site: &Site) -> String {
    if site.config().staging {
        return "# A staging preview of the site: not for search engines.\nUser-agent: *\nDisallow: /\n".into();
    }
    format!("User-agent: *\nAllow: /\nDisallow: /go/\n\nSitemap: {}\n", site.config().permalink("/sitemap.xml"))
}
