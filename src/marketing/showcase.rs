//! The blocks an agency's pages are built from besides pricing and FAQs: testimonials
//! (`content/testimonials.yaml`), client logos (`content/clients.yaml`), the team (pages with a
//! `profile:`) and case studies (pages with a `case_study:`). The two files are parsed and
//! checked here; the people and case studies are gathered by the engine from the pages' front
//! matter (`model::showcase`), so both reach templates and shortcodes through [`super::Marketing`].

use crate::diag::{Diagnostic, Kind};
use crate::load::{Asset, SourceFile};
use crate::parse::front_matter::Outcome;
use crate::yaml;
use serde::{Deserialize, Serialize};

/// `content/testimonials.yaml` and `content/clients.yaml`.
pub const TESTIMONIALS_FILE: &str = "testimonials.yaml";
pub const CLIENTS_FILE: &str = "clients.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestimonialsFile {
    testimonials: Vec<RawTestimonial>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTestimonial {
    quote: String,
    name: String,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    photo: Option<String>,
    #[serde(default)]
    photo_alt: Option<String>,
}

/// What a client said, and who said it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Testimonial {
    pub quote: String,
    pub name: String,
    pub role: Option<String>,
    pub company: Option<String>,
    /// A headshot (a site path); beside the name, so it needs no description of its own.
    pub photo: Option<String>,
    pub photo_alt: String,
    /// `photo` as `<picture>` markup, when it is a raster image (filled in by the engine).
    pub photo_picture: Option<String>,
    /// The person's initials, shown in place of a photo.
    pub initials: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    #[serde(default)]
    title: Option<String>,
    clients: Vec<RawClient>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClient {
    name: String,
    logo: String,
    #[serde(default)]
    url: Option<String>,
}

/// A client's logo in the "trusted by" strip.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Client {
    /// The logo's text alternative.
    pub name: String,
    pub logo: String,
    pub url: Option<String>,
}

/// The clients strip: its heading and the logos in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Clients {
    pub title: String,
    pub list: Vec<Client>,
}

/// A team member: a page with a `profile:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Person {
    pub name: String,
    pub url: String,
    pub role: Option<String>,
    /// The page's `description:`, a sentence or two for the team card.
    pub summary: Option<String>,
    pub photo: Option<String>,
    pub photo_alt: String,
    /// `photo` as `<picture>` markup for the team card, when it is a raster image.
    pub photo_picture: Option<String>,
    pub initials: String,
}

/// A case study: a page with a `case_study:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CaseStudyCard {
    pub title: String,
    pub url: String,
    pub description: Option<String>,
    pub client: String,
    pub industry: Option<String>,
    pub logo: Option<String>,
    pub results: Vec<Outcome>,
}

/// Up to two initials of a name: `Maya Okafor` → `MO`.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let picked = match words.as_slice() {
        [] => Vec::new(),
        [one] => vec![*one],
        [first, .., last] => vec![*first, *last],
    };
    picked.iter().filter_map(|w| w.chars().find(|c| c.is_alphanumeric())).flat_map(char::to_uppercase).collect()
}

/// A diagnostic at `key` of the `index`-th item of the list `list` in `f`.
fn at_item(f: &SourceFile, list: &str, index: usize, key: &str, message: String, help: &str) -> Diagnostic {
    let items = yaml::list_items(&f.text, list);
    let (line, col) = match items.get(index) {
        Some(&start) => yaml::key_in_item(&f.text, start, key),
        None => yaml::key_position(&f.text, list).unwrap_or((1, 1)),
    };
    Diagnostic::at(&f.shown, &f.text, line, col, message).with_help(help.to_string()).kind(Kind::Marketing)
}

/// The problem with an image path `src` a block names, when the site has no such file: the
/// message and its help (with the nearest file of the site by name).
fn missing_image(src: &str, what: &str, assets: &[Asset]) -> Option<(String, String)> {
    if src.starts_with("https://") || src.starts_with("http://") {
        return None;
    }
    let path = src.trim_start_matches('/');
    if assets.iter().any(|a| a.out == path) {
        return None;
    }
    let near = crate::diag::closest(path, assets.iter().map(|a| a.out.as_str()));
    let help = match near {
        Some(n) => format!("did you mean `/{n}`? Otherwise put the file under static/ and write its path from there"),
        None => format!("put the file under static/ (e.g. static/{path}) and write `/{path}`"),
    };
    Some((format!("{what} `{src}` not found"), help))
}

pub fn parse_testimonials(f: &SourceFile, assets: &[Asset]) -> Result<Vec<Testimonial>, Vec<Diagnostic>> {
    let raw: TestimonialsFile = yaml::parse(&f.text, yaml::Source::file(Kind::Marketing, &f.shown, &f.text)).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, t) in raw.testimonials.into_iter().enumerate() {
        for (key, value) in [("quote", &t.quote), ("name", &t.name)] {
            if value.trim().is_empty() {
                let help = if key == "quote" { "write what the client said, without quotation marks" } else { "name the person who said it" };
                errors.push(at_item(f, "testimonials", i, key, format!("testimonial {} has an empty `{key}`", i + 1), help));
            }
        }
        if let Some((message, help)) = t.photo.as_deref().and_then(|p| missing_image(p, "photo", assets)) {
            errors.push(at_item(f, "testimonials", i, "photo", message, &help));
        }
        out.push(Testimonial {
            quote: t.quote.trim().to_string(),
            initials: initials(&t.name),
            name: t.name,
            role: t.role.filter(|r| !r.trim().is_empty()),
            company: t.company.filter(|c| !c.trim().is_empty()),
            photo: t.photo,
            photo_alt: t.photo_alt.unwrap_or_default(),
            photo_picture: None,
        });
    }
    if out.is_empty() {
        errors.push(
            Diagnostic::file(&f.shown, "the file has no testimonials")
                .with_help("add one under `testimonials:` (`- quote: …`, `name: …`), or delete the file")
                .kind(Kind::Marketing),
        );
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub fn parse_clients(f: &SourceFile, assets: &[Asset]) -> Result<Clients, Vec<Diagnostic>> {
    let raw: ClientsFile = yaml::parse(&f.text, yaml::Source::file(Kind::Marketing, &f.shown, &f.text)).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let mut list = Vec::new();
    for (i, c) in raw.clients.into_iter().enumerate() {
        if c.name.trim().is_empty() {
            errors.push(at_item(
                f,
                "clients",
                i,
                "name",
                format!("client {} has an empty `name`", i + 1),
                "the name is what people who cannot see the logo hear",
            ));
        }
        if let Some((message, help)) = missing_image(&c.logo, "logo", assets) {
            errors.push(at_item(f, "clients", i, "logo", message, &help));
        }
        if let Some(url) = &c.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                errors.push(at_item(
                    f,
                    "clients",
                    i,
                    "url",
                    format!("client `{}` url must be a full http(s) address", c.name),
                    "e.g. `url: \"https://client.example\"`",
                ));
            }
        }
        list.push(Client { name: c.name, logo: c.logo, url: c.url });
    }
    if list.is_empty() {
        errors.push(
            Diagnostic::file(&f.shown, "the file has no clients")
                .with_help("add one under `clients:` (`- name: …`, `logo: …`), or delete the file")
                .kind(Kind::Marketing),
        );
    }
    if errors.is_empty() {
        Ok(Clients { title: raw.title.unwrap_or_else(|| "Trusted by".to_string()), list })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile { rel: rel.into(), shown: PathBuf::from(format!("content/{rel}")), text: text.into() }
    }

    fn assets() -> Vec<Asset> {
        ["images/clients/north.svg", "images/people/ada.jpg"]
            .iter()
            .map(|o| Asset { src: PathBuf::from(format!("static/{o}")), file: PathBuf::from(format!("/site/static/{o}")), out: o.to_string() })
            .collect()
    }

    #[test]
    fn testimonials_are_read_with_initials() {
        let f = file(
            TESTIMONIALS_FILE,
            "testimonials:\n  - quote: |\n      They listened first.\n    name: Ada Byron King\n    company: Northwind\n    photo: /images/people/ada.jpg\n",
        );
        let t = parse_testimonials(&f, &assets()).unwrap();
        assert_eq!((t[0].quote.as_str(), t[0].initials.as_str(), t[0].company.as_deref()), ("They listened first.", "AK", Some("Northwind")));
    }

    #[test]
    fn a_wrong_testimonial_is_an_error_at_its_line() {
        let f = file(TESTIMONIALS_FILE, "testimonials:\n  - quote: \"Good.\"\n    name: A\n  - quote: \"\"\n    name: B\n    photo: /images/people/adda.jpg\n");
        let e = parse_testimonials(&f, &assets()).unwrap_err();
        assert_eq!(e.len(), 2, "{e:#?}");
        assert_eq!((e[0].line, e[0].col, e[0].message.as_str()), (Some(4), Some(5), "testimonial 2 has an empty `quote`"));
        assert_eq!((e[1].line, e[1].message.as_str()), (Some(6), "photo `/images/people/adda.jpg` not found"));
        assert!(e[1].help.as_deref().unwrap().starts_with("did you mean `/images/people/ada.jpg`?"));
        let unknown = parse_testimonials(&file(TESTIMONIALS_FILE, "testimonials:\n  - quote: x\n    name: y\n    compnay: z\n"), &assets()).unwrap_err();
        assert_eq!(unknown[0].line, Some(4));
        assert!(unknown[0].help.as_deref().unwrap().contains("company"), "{unknown:#?}");
    }

    #[test]
    fn clients_need_a_logo_the_site_has() {
        let f = file(
            CLIENTS_FILE,
            "clients:\n  - name: North\n    logo: /images/clients/north.svg\n  - name: South\n    logo: /images/clients/south.svg\n    url: south.example\n",
        );
        let e = parse_clients(&f, &assets()).unwrap_err();
        assert_eq!(e.iter().map(|d| (d.line, d.col)).collect::<Vec<_>>(), [(Some(5), Some(5)), (Some(6), Some(5))]);
        let ok = parse_clients(&file(CLIENTS_FILE, "title: Our clients\nclients:\n  - { name: North, logo: /images/clients/north.svg }\n"), &assets()).unwrap();
        assert_eq!((ok.title.as_str(), ok.list.len()), ("Our clients", 1));
    }

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Maya Okafor"), "MO");
        assert_eq!(initials("Tomás de la Lindqvist"), "TL");
        assert_eq!(initials("Cher"), "C");
        assert_eq!(initials("  "), "");
    }
}
