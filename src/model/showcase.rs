//! The team and the case studies as the blocks show them: gathered from the pages whose front
//! matter has a `profile:` or a `case_study:` (with their photos as responsive `<picture>`
//! markup), for the `team()` and `case_studies()` shortcodes and the home page.

use super::Page;
use crate::config::ImageOptions;
use crate::images::markup::{picture, Loading, Picture};
use crate::images::ImageTable;
use crate::marketing::showcase::{initials, CaseStudyCard, Person};

/// How wide a portrait is shown on a team card.
pub const PORTRAIT_SIZES: &str = "9rem";

/// How an image named in front matter is shown: its class, `sizes` and loading.
pub struct Shown<'a> {
    pub class: &'a str,
    pub sizes: Option<&'a str>,
    pub loading: Loading,
}

/// `<picture>` markup for `src` written on the page at `page_url`, when it is a raster image the
/// site publishes.
pub fn picture_of(src: &str, alt: &str, page_url: &str, shown: &Shown<'_>, images: &ImageTable, options: &ImageOptions) -> Option<String> {
    crate::images::Format::of_path(src.split(['?', '#']).next().unwrap_or(src))?;
    let facts = images.facts(&crate::url::link_file(page_url, src))?;
    Some(picture(&Picture { src, facts, alt, title: None, class: Some(shown.class), sizes: shown.sizes, loading: shown.loading }, options))
}

/// A team card's portrait.
const CARD_PORTRAIT: Shown<'static> = Shown { class: "portrait", sizes: Some(PORTRAIT_SIZES), loading: Loading::Lazy };

/// Every person's page, by `weight`, then name.
pub fn people(pages: &[Page], images: &ImageTable, options: &ImageOptions) -> Vec<Person> {
    let mut people: Vec<(i64, Person)> = pages
        .iter()
        .filter_map(|p| {
            let profile = p.meta.profile.as_ref()?;
            let alt = profile.photo_alt.clone().unwrap_or_default();
            Some((
                p.meta.weight,
                Person {
                    name: p.title.clone(),
                    url: p.url.clone(),
                    role: profile.role.clone(),
                    summary: p.meta.description.clone(),
                    photo_picture: profile.photo.as_deref().and_then(|src| picture_of(src, &alt, &p.url, &CARD_PORTRAIT, images, options)),
                    photo: profile.photo.clone(),
                    photo_alt: alt,
                    initials: initials(&p.title),
                },
            ))
        })
        .collect();
    people.sort_by(|(wa, a), (wb, b)| wa.cmp(wb).then_with(|| a.name.cmp(&b.name)).then_with(|| a.url.cmp(&b.url)));
    people.into_iter().map(|(_, p)| p).collect()
}

/// Every case study, newest first.
pub fn case_studies(pages: &[Page]) -> Vec<CaseStudyCard> {
    let mut found: Vec<&Page> = pages.iter().filter(|p| p.meta.case_study.is_some()).collect();
    found.sort_by_key(|p| p.date_rank);
    found
        .into_iter()
        .filter_map(|p| {
            let c = p.meta.case_study.as_ref()?;
            Some(CaseStudyCard {
                title: p.title.clone(),
                url: p.url.clone(),
                description: p.meta.description.clone(),
                client: c.client.clone(),
                industry: c.industry.clone(),
                logo: c.logo.clone(),
                results: c.results.clone(),
            })
        })
        .collect()
}
