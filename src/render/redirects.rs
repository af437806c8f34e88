//! `_redirects`, the redirect rules Netlify and Cloudflare Pages read from the output root: the
//! same redirects the HTML redirect pages are made from (`aliases:` of pages and sections, the
//! `/go/<id>/` partner links; see [`super::site::redirect`]), so a host that reads the file
//! answers with a real 301 or 302 and every other host still has the meta-refresh page.
//! Plain functions of the site; the lines are sorted, so the same site gives the same bytes.

use super::site::{redirect, Job};
use crate::model::Site;
use crate::url::alias_url;

/// The file's name at the output root.
pub const FILE: &str = crate::url::REDIRECTS_FILE;

/// One redirect: from a site address (as [`alias_url`] makes it: `/old/`, `/old.html`) to an
/// address of the site or an outside URL, with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    pub status: u16,
}

impl Redirect {
    /// An `aliases:` entry: the page has moved for good, so search engines carry its standing
    /// over (301).
    pub fn moved(alias: &str, to: &str) -> Redirect {
        Redirect { from: alias_url(alias), to: to.to_string(), status: 301 }
    }

    /// A partner link (`/go/<id>/`): the target may change with the banner, and the `/go/`
    /// address must stay the one pages link to, so browsers must not remember it (302).
    pub fn partner(from: &str, to: &str) -> Redirect {
        Redirect { from: from.to_string(), to: to.to_string(), status: 302 }
    }
}

/// The lines `from to status` for `redirects`, sorted by `from`, each `from` once. A folder
/// address `/old/` is written also as `/old`: Netlify matches both with one rule, Cloudflare
/// Pages only the form written (without it, `/old` would first be sent to `/old/`, two hops).
/// The second form gives way to any address a rule names as written.
pub fn rules(redirects: &[Redirect]) -> Vec<(String, String, u16)> {
    let mut primary: Vec<(String, String, u16)> = redirects.iter().map(|r| (encode(&r.from), encode(&r.to), r.status)).collect();
    primary.sort();
    primary.dedup_by(|a, b| a.0 == b.0);
    let taken: std::collections::HashSet<String> = primary.iter().map(|r| r.0.clone()).collect();
    let mut second: Vec<(String, String, u16)> = primary
        .iter()
        .filter_map(|(from, to, status)| {
            let bare = from.strip_suffix('/').filter(|b| !b.is_empty())?;
            (!taken.contains(bare)).then(|| (bare.to_string(), to.clone(), *status))
        })
        .collect();
    second.sort();
    second.dedup_by(|a, b| a.0 == b.0);
    primary.extend(second);
    primary.sort();
    primary
}

/// The text of `_redirects` for the site planned as `jobs`: the user's own rules first (a host
/// applies the first rule that matches, so theirs win), then folio's.
pub fn file(site: &Site, jobs: &[Job]) -> String {
    let redirects: Vec<Redirect> = jobs.iter().filter_map(|j| redirect(site, j)).collect();
    let rules = rules(&redirects);
    let mut out = String::new();
    if let Some(user) = site.user_redirects() {
        out.push_str(&user.text);
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if !rules.is_empty() {
            out.push_str(&format!("# Added by folio after the rules of {}:\n", crate::diag::slashed(&user.shown)));
        }
    }
    for (from, to, status) in rules {
        out.push_str(&format!("{from} {to} {status}\n"));
    }
    out
}

/// `s` with what cannot stand in a rule percent-encoded: spaces and other whitespace (they
/// separate a rule's parts), characters outside ASCII (Netlify asks for encoded paths) and the
/// few that URLs never carry as they are.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b <= b' ' || b >= 0x7f || b"\"<>\\^`{|}".contains(&b) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(redirects: &[Redirect]) -> Vec<String> {
        rules(redirects).into_iter().map(|(f, t, s)| format!("{f} {t} {s}")).collect()
    }

    #[test]
    fn folder_aliases_get_both_forms_and_files_one() {
        let got = lines(&[Redirect::moved("/old", "/new/"), Redirect::moved("/x.html", "/y/"), Redirect::partner("/go/a/", "https://a.example/?u=1")]);
        assert_eq!(got, ["/go/a https://a.example/?u=1 302", "/go/a/ https://a.example/?u=1 302", "/old /new/ 301", "/old/ /new/ 301", "/x.html /y/ 301"]);
    }

    #[test]
    fn a_written_address_wins_over_a_second_form() {
        // `/a` as written (a file alias without extension is a folder, so use a dotted one) and
        // `/a/`'s second form: the written one stays.
        let got = lines(&[Redirect::moved("/a/", "/one/"), Redirect { from: "/a".into(), to: "/two/".into(), status: 301 }]);
        assert_eq!(got, ["/a /two/ 301", "/a/ /one/ 301"]);
    }

    #[test]
    fn the_root_has_no_second_form_and_odd_characters_are_encoded() {
        let got = lines(&[Redirect::moved("/", "/home/"), Redirect::moved("/caf\u{e9} menu/", "/menu/")]);
        assert_eq!(got, ["/ /home/ 301", "/caf%C3%A9%20menu /menu/ 301", "/caf%C3%A9%20menu/ /menu/ 301"]);
    }

    #[test]
    fn same_input_same_order() {
        let a = [Redirect::moved("/b/", "/x/"), Redirect::moved("/a/", "/y/")];
        let b = [Redirect::moved("/a/", "/y/"), Redirect::moved("/b/", "/x/")];
        assert_eq!(lines(&a), lines(&b));
    }
}
