//! Structured data (JSON-LD) and breadcrumbs. Values are built with serde_json and embedded with
//! `</` escaped so no content can close the script element.

use super::views::rfc3339;
use crate::config::SiteConfig;
use crate::model::{Page, Site};
use serde_json::{json, Value};

/// A breadcrumb trail entry.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Crumb {
    pub name: String,
    pub url: String,
}

pub fn crumb(name: &str, url: &str) -> Crumb {
    Crumb { name: name.to_string(), url: url.to_string() }
}

pub fn organization(c: &SiteConfig) -> Value {
    let org = c.organisation.as_ref();
    let mut v = json!({
        "@type": "Organization",
        "@id": format!("{}/#organization", c.base_url),
        "name": org.map_or(c.title.as_str(), |o| o.name.as_str()),
        "url": org.and_then(|o| o.url.clone()).unwrap_or_else(|| format!("{}/", c.base_url)),
    });
    if let Some(o) = org {
        if let Some(logo) = &o.logo {
            v["logo"] = json!(absolute(c, logo));
        }
        if let Some(email) = &o.email {
            v["email"] = json!(email);
        }
        if let Some(tel) = &o.telephone {
            v["telephone"] = json!(tel);
        }
    }
    v
}

pub fn website(c: &SiteConfig) -> Value {
    json!({
        "@type": "WebSite",
        "@id": format!("{}/#website", c.base_url),
        "name": c.title,
        "description": c.description,
        "url": format!("{}/", c.base_url),
        "inLanguage": c.language,
        "publisher": { "@id": format!("{}/#organization", c.base_url) },
        "potentialAction": {
            "@type": "SearchAction",
            "target": format!("{}/search/?q={{search_term_string}}", c.base_url),
            "query-input": "required name=search_term_string"
        }
    })
}

/// An absolute URL for a site path or an already absolute URL.
pub fn absolute(c: &SiteConfig, path_or_url: &str) -> String {
    if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
        path_or_url.to_string()
    } else {
        c.permalink(&format!("/{}", path_or_url.trim_start_matches('/')))
    }
}

pub fn article(site: &Site, page: &Page) -> Value {
    let c = site.config();
    let mut v = json!({
        "@type": "Article",
        "headline": page.title,
        "mainEntityOfPage": c.permalink(&page.url),
        "url": c.permalink(&page.url),
        "inLanguage": c.language,
        "wordCount": page.rendered.word_count,
        "publisher": organization(c),
    });
    if let Some(d) = &page.meta.description {
        v["description"] = json!(d);
    }
    if let Some(d) = &page.date {
        v["datePublished"] = json!(rfc3339(d));
        v["dateModified"] = json!(rfc3339(page.updated.as_ref().unwrap_or(d)));
    }
    if let Some(id) = page.author_page {
        let person = &site.pages[id];
        v["author"] = json!({ "@type": "Person", "name": person.title, "url": c.permalink(&person.url) });
    } else if let Some(a) = page.meta.author.as_ref().or(c.author.as_ref()) {
        v["author"] = json!({ "@type": "Person", "name": a });
    }
    if let Some(img) = &page.meta.image {
        v["image"] = json!(absolute(c, img));
    }
    if !page.meta.tags.is_empty() {
        v["keywords"] = json!(page.meta.tags.join(", "));
    }
    v
}

/// A team member's page: a `ProfilePage` about the `Person` (their role, portrait, email and
/// profiles elsewhere as `sameAs`), who works for the site's organisation.
pub fn profile_page(site: &Site, page: &Page) -> Option<Value> {
    let c = site.config();
    let profile = page.meta.profile.as_ref()?;
    let mut person = json!({ "@type": "Person", "name": page.title, "url": c.permalink(&page.url), "worksFor": organization(c) });
    if let Some(role) = &profile.role {
        person["jobTitle"] = json!(role);
    }
    if let Some(photo) = &profile.photo {
        person["image"] = json!(absolute(c, &crate::url::link_file(&page.url, photo)));
    }
    if let Some(email) = &profile.email {
        person["email"] = json!(email);
    }
    let same_as: Vec<&str> = profile.links.iter().map(|l| l.url.as_str()).filter(|u| u.starts_with("http")).collect();
    if !same_as.is_empty() {
        person["sameAs"] = json!(same_as);
    }
    if let Some(d) = &page.meta.description {
        person["description"] = json!(d);
    }
    Some(json!({ "@type": "ProfilePage", "url": c.permalink(&page.url), "mainEntity": person }))
}

pub fn breadcrumb_list(c: &SiteConfig, crumbs: &[Crumb]) -> Value {
    let items: Vec<Value> =
        crumbs.iter().enumerate().map(|(i, cr)| json!({ "@type": "ListItem", "position": i + 1, "name": cr.name, "item": c.permalink(&cr.url) })).collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

/// One `<script type="application/ld+json">` body for several values.
pub fn script_body(values: Vec<Value>) -> String {
    let doc = match values.len() {
        0 => return String::new(),
        1 => {
            let mut v = values.into_iter().next().unwrap_or_default();
            v["@context"] = json!("https://schema.org");
            v
        }
        _ => json!({ "@context": "https://schema.org", "@graph": values }),
    };
    // Keys sorted (serde_json's map is ordered), so output is deterministic.
    doc.to_string().replace("</", "<\\/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_body_escapes_closing_tags_and_adds_context() {
        let s = script_body(vec![json!({"@type": "Thing", "name": "</script><b>"})]);
        assert!(!s.contains("</script>"));
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["@context"], "https://schema.org");
        assert_eq!(v["name"], "</script><b>");
        let g: Value = serde_json::from_str(&script_body(vec![json!({"a":1}), json!({"b":2})])).unwrap();
        assert_eq!(g["@graph"].as_array().unwrap().len(), 2);
    }
}
