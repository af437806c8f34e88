//! Bylines and author pages: a page with a `profile:` is a person, and every article whose
//! `author:` (or the site's `author:`, when it has none) is that person's name links to their
//! page, which lists what they wrote. Names are compared as people read them: case, and runs of
//! spaces, do not matter.

use super::{Page, PageId};
use std::collections::HashMap;

/// A name as it is compared: trimmed, lowercase, single spaces.
fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether a page can carry a byline: an article (in a section other than the home page's) that
/// is not itself a person's page.
fn has_byline(page: &Page, home: Option<super::SectionId>) -> bool {
    page.meta.profile.is_none() && page.section.is_some_and(|s| Some(s) != home)
}

/// The name a page is by: its own `author:`, else the site's.
pub fn author_of<'a>(page: &'a Page, site_author: Option<&'a str>) -> Option<&'a str> {
    page.meta.author.as_deref().or(site_author).filter(|a| !a.trim().is_empty())
}

/// Links each article to its author's page (`Page::author_page`) and each person's page to
/// the articles they wrote, newest first (`Page::authored`). Pages must have their date ranks.
pub fn link_authors(pages: &mut [Page], home: Option<super::SectionId>, site_author: Option<&str>) {
    let people: HashMap<String, PageId> = pages.iter().enumerate().filter(|(_, p)| p.meta.profile.is_some()).map(|(id, p)| (name_key(&p.title), id)).collect();
    if people.is_empty() {
        return;
    }
    let mut authored: HashMap<PageId, Vec<PageId>> = HashMap::new();
    for (id, page) in pages.iter_mut().enumerate() {
        if !has_byline(page, home) {
            continue;
        }
        let person = author_of(page, site_author).and_then(|a| people.get(&name_key(a))).copied();
        page.author_page = person;
        if let Some(person) = person {
            authored.entry(person).or_default().push(id);
        }
    }
    for (person, mut ids) in authored {
        ids.sort_by(|&a, &b| super::by_date_desc(pages, a, b));
        pages[person].authored = ids;
    }
}

/// The articles whose own `author:` names nobody with a page, when the site has people's pages:
/// each with the name written and the nearest person's name. (A site without team pages has
/// bylines as plain names; nothing is wrong with those.)
pub fn unknown_authors(pages: &[Page], home: Option<super::SectionId>) -> Vec<(PageId, String, Option<String>)> {
    let names: Vec<&str> = pages.iter().filter(|p| p.meta.profile.is_some()).map(|p| p.title.as_str()).collect();
    if names.is_empty() {
        return Vec::new();
    }
    pages
        .iter()
        .enumerate()
        .filter(|(_, p)| has_byline(p, home) && p.author_page.is_none())
        .filter_map(|(id, p)| {
            let written = p.meta.author.as_deref().filter(|a| !a.trim().is_empty())?;
            let near = crate::diag::closest(written, names.iter().copied()).map(str::to_string);
            Some((id, written.to_string(), near))
        })
        .collect()
}

/// A warning at the `author:` line of each article [`unknown_authors`] finds. `text_of` gives
/// a page's text by its content key.
pub fn warnings<'a>(pages: &[Page], home: Option<super::SectionId>, text_of: impl Fn(&str) -> Option<&'a str>) -> Vec<crate::diag::Diagnostic> {
    unknown_authors(pages, home)
        .into_iter()
        .map(|(id, written, near)| {
            let p = &pages[id];
            let text = text_of(&p.key).unwrap_or("");
            let message = format!("`author: {written}` names nobody on the team, so the byline links to no author page");
            let help = match near {
                Some(n) => format!("did you mean `{n}`? Each team member is a page with a `profile:` (content/authors/), and `author:` must be its title"),
                None => "write the title of a team member's page (a page with a `profile:`, in content/authors/), or add a page for this author".to_string(),
            };
            let d = match crate::parse::front_matter::key_position(text, "author") {
                Some((line, col)) => crate::diag::Diagnostic::at(&p.shown, text, line, col, message),
                None => crate::diag::Diagnostic::file(&p.shown, message),
            };
            d.with_help(help).kind(crate::diag::Kind::FrontMatter).warning()
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::parse::front_matter::{FrontMatter, Profile};
    use std::sync::Arc;

    fn page(title: &str, author: Option<&str>, person: bool, section: Option<usize>, rank: usize) -> Page {
        let mut p = crate::model::tests::page(title, "", &[]);
        p.meta = Arc::new(FrontMatter { author: author.map(str::to_string), profile: person.then(Profile::default), ..Default::default() });
        p.section = section;
        p.date_rank = rank;
        p
    }

    #[test]
    fn articles_link_to_their_authors_page_and_back() {
        let mut pages = vec![
            page("Maya Okafor", None, true, Some(1), 9),
            page("old", Some("maya  okafor"), false, Some(2), 5),
            page("new", None, false, Some(2), 1),
            page("about", None, false, Some(0), 0),
            page("guest", Some("A Guest"), false, Some(2), 3),
            page("typo", Some("Maya Okafr"), false, Some(2), 4),
        ];
        link_authors(&mut pages, Some(0), Some("Maya Okafor"));
        assert_eq!(pages[1].author_page, Some(0));
        assert_eq!(pages[2].author_page, Some(0), "the site's author stands for a missing `author:`");
        assert_eq!(pages[3].author_page, None, "a page on the home section has no byline");
        assert_eq!(pages[0].authored, [2, 1], "newest first");
        let unknown = unknown_authors(&pages, Some(0));
        assert_eq!(unknown, [(4, "A Guest".to_string(), None), (5, "Maya Okafr".to_string(), Some("Maya Okafor".to_string()))]);
    }

    #[test]
    fn without_people_nothing_is_linked_or_unknown() {
        let mut pages = vec![page("a", Some("Somebody"), false, Some(1), 0)];
        link_authors(&mut pages, None, None);
        assert_eq!(pages[0].author_page, None);
        assert!(unknown_authors(&pages, None).is_empty());
    }
}
