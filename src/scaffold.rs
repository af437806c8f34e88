//! `folio new` and `folio init`: files a person would otherwise copy from an example.

use crate::diag::{Diagnostic, Kind};
use std::path::{Path, PathBuf};
use time::Date;

/// What `folio new` wrote: the file, the address it will have (by the build's URL rules, from
/// the slug written into it) and whether it is a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub path: PathBuf,
    pub url: String,
    pub draft: bool,
}

impl Created {
    /// What `folio new` prints: the file, then how to see it. `root` is the `--root` given (a
    /// preview command must name it too); the address is serve's default one, which is where
    /// serve listens unless the port is taken (it then says which one it took).
    pub fn message(&self, root: &Path) -> String {
        let file = crate::diag::slashed(self.path.strip_prefix(root).unwrap_or(&self.path));
        let root_arg = match crate::diag::slashed(root) {
            r if root == Path::new(".") || r.is_empty() => String::new(),
            r if r.contains(char::is_whitespace) => format!(" --root \"{r}\""),
            r => format!(" --root {r}"),
        };
        let address = format!("http://127.0.0.1:1111{}", self.url);
        if self.draft {
            format!(
                "Created {file} (a draft: `draft: true` keeps it out of `folio build` and `folio serve`).\n\
Preview it: run `folio serve --drafts{root_arg}`, then open {address} (serve prints another port if 1111 is busy).\n\
Publish it: remove the line `draft: true` from it."
            )
        } else {
            format!("Created {file}.\nPreview it: run `folio serve{root_arg}`, then open {address} (serve prints another port if 1111 is busy).")
        }
    }
}

fn write_new(path: &Path, text: &str) -> Result<PathBuf, Diagnostic> {
    if path.exists() {
        return Err(Diagnostic::file(path, "file already exists").with_help("choose another title, or edit the existing file").kind(Kind::Output));
    }
    crate::fsx::write(path, text.as_bytes()).map_err(|e| crate::fsx::io_diag(path, "write", &e).kind(Kind::Output))?;
    Ok(path.to_path_buf())
}

fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes `content/<folder>/<slug>.md` for a new item named `name`, refusing outside a site.
fn new_content(root: &Path, folder: &str, what: &str, name: &str, text: impl FnOnce(&str) -> String) -> Result<PathBuf, Diagnostic> {
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(Diagnostic::file(root.join(crate::config::CONFIG_FILE), "this folder is not a folio site (no site.yaml)")
            .with_help("run the command in the site's folder, pass --root DIR, or create a site with `folio init DIR`")
            .kind(Kind::Config));
    }
    let slug = crate::text::slugify(name);
    if slug.is_empty() {
        return Err(Diagnostic::file(format!("content/{folder}"), format!("the {what} has no letters or digits to make a file name from"))
            .with_help(format!("give the {what} a name with words"))
            .kind(Kind::Output));
    }
    write_new(&root.join("content").join(folder).join(format!("{slug}.md")), &text(&slug))
}

pub fn new_article(root: &Path, title: &str, today: Date) -> Result<Created, Diagnostic> {
    let mut written_slug = String::new();
    let path = new_content(root, "articles", "title", title, |slug| {
        written_slug = slug.to_string();
        format!(
            "---\ntitle: {}\ndescription: \"\"\ndate: {today}\ndraft: true\nslug: {slug}\ntags: []\ncategories: []\n---\nWrite the introduction here. It becomes the summary on list pages.\n\n<!-- more -->\n\n## First section\n\nThe rest of the article.\n",
            yaml_string(title)
        )
    })?;
    // The address the build gives the file, with the slug written into it.
    let url = crate::url::page_url(&format!("articles/{written_slug}.md"), Some(&written_slug));
    Ok(Created { path, url, draft: true })
}

pub fn new_faq(root: &Path, topic: &str) -> Result<Created, Diagnostic> {
    let mut rel = String::new();
    let path = new_content(root, "faq", "topic", topic, |slug| {
        rel = format!("faq/{slug}.md");
        format!(
            "---\ntitle: {}\ndescription: \"\"\nweight: 10\n---\n## What is the first question?\n\nThe answer, in Markdown.\n\n## What is the second question?\n\nAnother answer.\n",
            yaml_string(topic)
        )
    })?;
    Ok(Created { path, url: crate::marketing::faq::topic_url(&rel), draft: false })
}

/// The brand part of a new site's `site.yaml`: every design token of the default theme with its
/// default value, so rebranding is editing values (README, "Theming").
const INIT_BRAND: &str = r##"
# The organisation behind the site: search engines show its name and logo. With a logo and no
# brand_mark under extra:, the header shows the logo instead of the title.
organisation:
  name: "My new site"
  # logo: "/images/logo.svg"

# The look of the default theme (README, "Theming"). Change these, then put anything else in
# static/css/custom.css, which every page loads last; static/favicon.svg is the browser-tab icon.
style:
  accent: "#0a5a85"        # links, buttons, focus rings: at least 4.5:1 on #eaf2f8
  accent_dark: "#7cc3ee"   # the same in dark mode: at least 4.5:1 on #15263a
  ground: "#13233f"        # behind the hero, the call to action and the footer (light text on it)
  font: "system-ui, sans-serif"
  heading_font: "system-ui, sans-serif"
  radius: 12px             # corners of cards and buttons; 0 for square
"##;

/// A new site's icon: the first letter of "My new site" on the default accent, to be replaced.
const INIT_FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <rect width="32" height="32" rx="7" fill="#0a5a85"/>
  <text x="16" y="22.5" fill="#ffffff" font-family="system-ui, sans-serif" font-size="18" font-weight="700" text-anchor="middle">M</text>
</svg>
"##;

/// A new site's own stylesheet, loaded after the theme's on every page.
const INIT_CUSTOM_CSS: &str = "/* Your styles, loaded after the theme's on every page (README, \"Theming\").\n   The theme's colours, fonts and corners are custom properties: set them in site.yaml under\n   style:, or here, e.g. :root { --measure: 48rem; } for wider text. */\n";

/// The default theme, compiled into the binary so `folio init` works anywhere.
pub const DEFAULT_THEME: &[(&str, &str)] = crate::theme_files::FILES;

pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    if dir.join("site.yaml").exists() {
        return Err(Diagnostic::file(dir.join("site.yaml"), "a site already exists here").with_help("choose an empty folder").kind(Kind::Output));
    }
    let files: Vec<(PathBuf, String)> = vec![
        (dir.join("site.yaml"), String::from("title: \"My new site\"\nbase_url: \"https://www.example.com\"\nlanguage: en\ndescription: \"A site built with folio\"\ntheme: default\nmenu:\n  - { name: \"Articles\", url: \"/articles/\" }\n  - { name: \"About\", url: \"/about/\" }\n# A contact form: add content/contact.md with `template: contact.html`, then choose who receives\n# the messages on the live site (README, \"Publishing\"); until then `folio build` refuses the form.\n# contact:\n#   provider: netlify            # or formspree (with form_id), or custom (with action)\n") + INIT_BRAND),
        (dir.join("content/_index.md"), "---\ntitle: \"Welcome\"\ndescription: \"The home page\"\n---\nThis is the home page. Edit `content/_index.md` to change it.\n".into()),
        (dir.join("content/articles/_index.md"), "---\ntitle: \"Articles\"\ndescription: \"Everything we have written\"\nsort_by: date\n---\n".into()),
        (dir.join("content/articles/hello-world.md"), "---\ntitle: \"Hello, world\"\ndescription: \"The first article\"\ndate: 2026-01-01\ntags: [news]\n---\nThe first article on this site.\n\n<!-- more -->\n\n## Next steps\n\nRun `folio new article \"My title\"` to write another.\n".into()),
        (dir.join("content/about.md"), "---\ntitle: \"About\"\ndescription: \"Who we are\"\n---\nTell your visitors who you are.\n".into()),
        (dir.join("static/favicon.svg"), INIT_FAVICON.into()),
        (dir.join("static/css/custom.css"), INIT_CUSTOM_CSS.into()),
    ];
    for (path, text) in files {
        crate::fsx::write(&path, text.as_bytes()).map_err(|e| crate::fsx::io_diag(&path, "write", &e).kind(Kind::Output))?;
    }
    for (rel, text) in DEFAULT_THEME {
        let path = dir.join("themes/default").join(rel);
        crate::fsx::write(&path, text.as_bytes()).map_err(|e| crate::fsx::io_diag(&path, "write", &e).kind(Kind::Output))?;
    }
    gitignore(dir)
}

/// What a site's `.gitignore` keeps out of version control: folio's working folder (the
/// contact-form submissions, which hold personal data, and the build lock) and the output.
pub const GITIGNORED: &[&str] = &[".folio/", "public/"];

/// Writes `.gitignore`, or adds to the one the folder has the lines it lacks (`public`,
/// `/public/` and the like count as present). The existing text is kept byte for byte, even when
/// it is not UTF-8; a `.gitignore` that cannot be read is left alone and named in the error.
fn gitignore(dir: &Path) -> Result<(), Diagnostic> {
    let path = dir.join(".gitignore");
    let old = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(crate::fsx::io_diag(&path, "read", &e).kind(Kind::Output)),
    };
    let present: Vec<String> = String::from_utf8_lossy(&old).lines().map(|l| l.trim().trim_start_matches('/').trim_end_matches('/').to_string()).collect();
    let mut text = old.clone();
    for line in GITIGNORED.iter().filter(|l| !present.iter().any(|p| p == l.trim_end_matches('/'))) {
        if !text.is_empty() && !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
    }
    if text == old {
        return Ok(());
    }
    crate::fsx::write(&path, &text).map_err(|e| crate::fsx::io_diag(&path, "write", &e).kind(Kind::Output))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_lines_are_added_without_clobbering() {
        let dir = std::env::temp_dir().join(format!("folio-gitignore-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(".gitignore");
        gitignore(&dir).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), ".folio/\npublic/\n");
        std::fs::write(&path, b"# caf\xe9\nnode_modules\n/public").unwrap();
        gitignore(&dir).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"# caf\xe9\nnode_modules\n/public\n.folio/\n", "kept byte for byte, only .folio/ added");
        gitignore(&dir).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"# caf\xe9\nnode_modules\n/public\n.folio/\n", "nothing added twice");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
