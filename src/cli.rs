//! Command-line interface: clap definitions and the dispatch to each command. Errors and
//! warnings are printed here; `run` returns the exit code (1 for content or template errors;
//! warnings alone do not fail a command).

use crate::pipeline::{self, BuildOptions};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "folio", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("FOLIO_COMMIT"), ")"), about = "A fast static-site generator for marketing and knowledge-base sites")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Which site a build is for.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Env {
    Production,
    Staging,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (atomically: a failed build changes nothing).
    Build {
        /// The site's folder (with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: <root>/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override `base_url` from site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Include pages dated, or with a `publish_date:`, after today (or SOURCE_DATE_EPOCH).
        #[arg(long)]
        future: bool,
        /// Include pages whose `expiry_date:` is today (or SOURCE_DATE_EPOCH) or earlier.
        #[arg(long)]
        expired: bool,
        /// `staging`: a preview to show a client — every page noindex, robots.txt disallowing
        /// all, a "Preview" ribbon, and a contact form that sends nothing.
        #[arg(long, value_enum, default_value = "production")]
        env: Env,
        /// Build for this day instead of today (YYYY-MM-DD): which banners are running, which
        /// pages are due or expired. Overrides SOURCE_DATE_EPOCH.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        date: Option<time::Date>,
    },
    /// Check the site without writing anything: front matter, links, anchors, images, banners.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Include pages dated, or with a `publish_date:`, after today (or SOURCE_DATE_EPOCH).
        #[arg(long)]
        future: bool,
        /// Include pages whose `expiry_date:` is today (or SOURCE_DATE_EPOCH) or earlier.
        #[arg(long)]
        expired: bool,
        /// Build for this day instead of today (YYYY-MM-DD): which banners are running, which
        /// pages are due or expired. Overrides SOURCE_DATE_EPOCH.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        date: Option<time::Date>,
        /// Also ask every outside link (http/https) of the site whether it still answers: a dead
        /// link (404, 410, no such site) is an error, a slow, busy or refusing one a warning.
        #[arg(long)]
        external: bool,
        /// With --external: how many links to ask at once.
        #[arg(long, value_name = "N", default_value_t = 8, requires = "external", value_parser = clap::value_parser!(u16).range(1..=64))]
        external_jobs: u16,
        /// With --external: how many links of one site (host name) to ask at once.
        #[arg(long, value_name = "N", default_value_t = 2, requires = "external", value_parser = clap::value_parser!(u16).range(1..=16))]
        external_per_host: u16,
        /// With --external: how long a site may take to answer, e.g. `10s`, `30s`, `500ms`.
        #[arg(long, value_name = "DURATION", default_value = "10s", requires = "external", value_parser = parse_timeout)]
        external_timeout: std::time::Duration,
        /// With --external: how long a link that answered well is not asked again
        /// (.folio/cache/external-links.json), e.g. `24h`, `7d`; `0s` asks every link.
        #[arg(long, value_name = "DURATION", default_value = "24h", requires = "external", value_parser = parse_age)]
        external_max_age: std::time::Duration,
    },
    /// Create a new content file with its front matter filled in.
    New {
        #[command(subcommand)]
        kind: NewKind,
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
    },
    /// Create a new site in DIR that builds at once.
    Init { dir: PathBuf },
    /// Turn a Hugo, Jekyll or Zola site into a folio site (the old site is only read).
    Import {
        /// What made the site.
        #[arg(value_enum)]
        from: ImportFrom,
        /// The old site's folder.
        src: PathBuf,
        /// Where to write the new site: a folder that does not exist yet, or an empty one.
        #[arg(long)]
        into: PathBuf,
    },
    /// Build and serve the site on this machine, rebuild on every save and reload open pages.
    Serve {
        /// The site's folder (with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The address to listen on (loopback unless you need otherwise).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port; if busy, the next free one is used. 0 lets the system choose.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Look for changed files every 500 ms instead of relying on the system's change
        /// notifications (network drives, folders shared into a VM, container or WSL, Wine).
        #[arg(long)]
        poll: bool,
        /// Include pages dated, or with a `publish_date:`, after today (or SOURCE_DATE_EPOCH).
        #[arg(long)]
        future: bool,
        /// Include pages whose `expiry_date:` is today (or SOURCE_DATE_EPOCH) or earlier.
        #[arg(long)]
        expired: bool,
        /// Build for this day instead of today (YYYY-MM-DD): which banners are running, which
        /// pages are due or expired. Overrides SOURCE_DATE_EPOCH.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        date: Option<time::Date>,
    },
    /// Read the contact-form submissions the dev server stored (default: list them).
    Submissions {
        #[command(subcommand)]
        action: Option<SubmissionsAction>,
        /// The site's folder (the submissions are in its .folio/submissions.jsonl).
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum SubmissionsAction {
    /// A readable table of every submission.
    List,
    /// Every submission as CSV on standard output.
    Export {
        /// CSV (RFC 4180, UTF-8 with a byte order mark for Excel; control characters removed
        /// except line breaks and tabs inside quoted cells; cells that a spreadsheet would run
        /// as formulas neutralised).
        #[arg(long)]
        csv: bool,
    },
    /// Delete the submissions received more than DURATION ago (the store holds personal data).
    Purge {
        /// How old a submission must be to go: a number and a unit, e.g. `30d`, `12h`, `2w`,
        /// `90min`, or several (`1d 12h`).
        #[arg(long, value_name = "DURATION", value_parser = parse_age)]
        older_than: std::time::Duration,
    },
}

/// `--older-than`'s value: humantime's units, with a word on what is expected when it fails.
fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e}; write a number and a unit, e.g. `30d` (days), `12h` (hours) or `2w` (weeks)"))
}

/// `--date`'s value: a day written YYYY-MM-DD, with a word on what is expected when it is not.
fn parse_day(text: &str) -> Result<time::Date, String> {
    crate::parse::front_matter::parse_date(text.trim())
        .filter(|_| text.trim().len() == 10)
        .map(|d| d.date())
        .ok_or_else(|| format!("`{text}` is not a date; write the day as YYYY-MM-DD, e.g. `--date 2026-03-01`"))
}

/// `--external-timeout`'s value: a duration above zero.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    match parse_age(text)? {
        d if d.is_zero() => Err("the time must be above zero, e.g. `10s`".into()),
        d => Ok(d),
    }
}

/// The generators `folio import` reads.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ImportFrom {
    Hugo,
    Jekyll,
    Zola,
}

#[derive(Subcommand, Debug)]
pub enum NewKind {
    /// A new article in content/articles/.
    Article { title: String },
    /// A new FAQ topic in content/faq/.
    Faq { topic: String },
}

/// Every diagnostic, then how many errors and warnings there were, on stderr.
fn print_diagnostics(d: &crate::diag::Diagnostics) {
    eprintln!("{d}");
}

/// The note on pages the build left out (drafts, dated later), on stderr.
fn print_note(built: &pipeline::Built) {
    if let Some(note) = &built.note {
        eprintln!("note: {note}");
    }
}

pub fn run(cli: Cli) -> Result<(), u8> {
    match cli.command {
        Command::Build { root, output, base_url, drafts, future, expired, env, date } => {
            if let Some(d) = date {
                pipeline::set_date(d);
            }
            let started = std::time::Instant::now();
            let output = output.unwrap_or_else(|| root.join("public"));
            // Refused before building: a build writes to folio's cache (image copies, cards).
            crate::output::check_target(&output, &root).map_err(|d| {
                eprintln!("{d}");
                1u8
            })?;
            let staging = env == Env::Staging;
            // What the last build published here, to warn about the pages this one drops.
            let before = crate::output::published(&output);
            let published = (!before.is_empty()).then(|| std::sync::Arc::new(crate::model::dropped::Published { folder: output.clone(), files: before }));
            let opts = BuildOptions {
                root: root.clone(),
                base_url,
                drafts,
                future,
                expired,
                staging,
                published,
                build_date: pipeline::today(),
                ..BuildOptions::default()
            };
            // Each file goes into the staging tree beside the output folder as soon as it is
            // rendered; the tree replaces the folder only when the whole site built.
            let tree = crate::output::Staging::begin(&output, &root).map_err(|d| {
                eprintln!("{d}");
                1u8
            })?;
            let mut built = pipeline::build_into(&opts, &tree).map_err(|d| {
                print_diagnostics(&d);
                1u8
            })?;
            if !built.warnings.is_empty() {
                print_diagnostics(&crate::diag::Diagnostics(built.warnings.clone()).sorted());
            }
            print_note(&built);
            let written = tree.finish(&built).map_err(|d| {
                eprintln!("{d}");
                1u8
            })?;
            built.stats.millis = started.elapsed().as_millis();
            say!(
                "{}Built {} into {} ({} written, {} unchanged, {} removed)",
                if staging { "STAGING PREVIEW, not for production (noindex, robots.txt disallows all, forms send nothing). " } else { "" },
                built.stats,
                output.display(),
                written.written,
                written.unchanged,
                written.removed
            );
            Ok(())
        }
        Command::Check { root, drafts, future, expired, date, external, external_jobs, external_per_host, external_timeout, external_max_age } => {
            if let Some(d) = date {
                pipeline::set_date(d);
            }
            // Content errors do not stop check before the finished pages are checked: every
            // problem is reported in one run.
            let opts = BuildOptions {
                root: root.clone(),
                base_url: None,
                drafts,
                future,
                expired,
                check: true,
                build_date: pipeline::today(),
                ..BuildOptions::default()
            };
            // check never writes; an error means the site cannot be built as it is.
            let errors_mean = Some("`folio build` will not publish the site until they are fixed");
            match pipeline::build(&opts) {
                Ok(built) => {
                    print_note(&built);
                    let mut problems = crate::check::check(&built);
                    if external {
                        let opts = crate::check::external::Options {
                            jobs: external_jobs.into(),
                            per_host: external_per_host.into(),
                            timeout: external_timeout,
                            max_age: external_max_age,
                        };
                        let report = crate::check::external::check(&built, &root, &opts, |line| eprintln!("{line}"));
                        if let Some(note) = &report.cache_note {
                            eprintln!("note: {note}");
                        }
                        problems.extend(report.problems.0);
                        problems = problems.sorted();
                    }
                    if problems.is_empty() {
                        say!("No problems found: {}", built.stats);
                        Ok(())
                    } else {
                        eprintln!("{}", problems.report(errors_mean));
                        if problems.errors() == 0 {
                            say!("No errors found ({}): {}", crate::diag::count(problems.warnings(), "warning"), built.stats);
                            Ok(())
                        } else {
                            Err(1)
                        }
                    }
                }
                Err(d) => {
                    eprintln!("{}", d.report(errors_mean));
                    Err(1)
                }
            }
        }
        Command::New { kind, root } => {
            let today = crate::pipeline::today();
            let result = match kind {
                NewKind::Article { title } => crate::scaffold::new_article(&root, &title, today),
                NewKind::Faq { topic } => crate::scaffold::new_faq(&root, &topic),
            };
            match result {
                Ok(created) => {
                    say!("{}", created.message(&root));
                    Ok(())
                }
                Err(d) => {
                    eprintln!("{d}");
                    Err(1)
                }
            }
        }
        Command::Serve { root, bind, port, open, drafts, future, expired, poll, date } => {
            // serve asks `pipeline::today()` before every build, which answers the date set here.
            if let Some(d) = date {
                pipeline::set_date(d);
            }
            crate::serve::run(crate::serve::ServeOptions {
                root,
                bind,
                port,
                open,
                drafts,
                future,
                expired,
                poll: poll.then_some(std::time::Duration::from_millis(500)),
            })
        }
        Command::Submissions { action, root } => {
            use crate::serve::submissions::{self, Output};
            match action {
                None | Some(SubmissionsAction::List) => submissions::run(&root, Output::Table),
                Some(SubmissionsAction::Export { csv: true }) => submissions::run(&root, Output::Csv),
                Some(SubmissionsAction::Export { csv: false }) => {
                    eprintln!("error: choose an export format: `folio submissions export --csv`");
                    Err(2)
                }
                Some(SubmissionsAction::Purge { older_than }) => submissions::run_purge(&root, older_than),
            }
        }
        Command::Import { from, src, into } => {
            let flavour = match from {
                ImportFrom::Hugo => crate::import::Flavour::Hugo,
                ImportFrom::Jekyll => crate::import::Flavour::Jekyll,
                ImportFrom::Zola => crate::import::Flavour::Zola,
            };
            match crate::import::run(flavour, &src, &into) {
                Ok(plan) => {
                    let c = &plan.counts;
                    let open = plan.notes.iter().filter(|n| !n.changed).count();
                    let changed = plan.notes.len() - open;
                    say!(
                        "Imported the {} site in {} into {}: {} pages ({} drafts), {} sections, {} static files, {} old addresses kept as aliases, {} shortcodes and tags translated.",
                        flavour.name(),
                        crate::diag::slashed(&src),
                        crate::diag::slashed(&into),
                        c.pages,
                        c.drafts,
                        c.sections,
                        c.static_files,
                        c.aliases,
                        c.translated
                    );
                    let report = crate::diag::slashed(&into.join(crate::import::REPORT_FILE));
                    if open + changed > 0 {
                        say!("{open} constructs were not translated and {changed} changes were made; each is listed with its file and line in {report}.");
                    } else {
                        say!("Everything was translated; {report} has the counts.");
                    }
                    say!("Next: cd {} && folio serve", crate::diag::slashed(&into));
                    Ok(())
                }
                Err(d) => {
                    eprintln!("{d}");
                    Err(1)
                }
            }
        }
        Command::Init { dir } => match crate::scaffold::init(&dir) {
            Ok(()) => {
                say!("Created a new site in {}. Next: cd {} && folio build", dir.display(), dir.display());
                Ok(())
            }
            Err(d) => {
                eprintln!("{d}");
                Err(1)
            }
        },
    }
}
