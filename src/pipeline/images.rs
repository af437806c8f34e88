//! The images step of a run: which published files are raster images and what their headers
//! say ([`table`], kept by file stamp so serve reads an image again only when it changed), the
//! files made from them ([`plan`]: the copies of `images::variants`, later the social cards),
//! and making those through the cache ([`make`], [`make_missing`]) — in parallel, each image
//! decoded once for all its copies.

use crate::config::ImageOptions;
use crate::diag::{Diagnostic, Kind};
use crate::hash::hash_of;
use crate::images::{self, cache::Cache, Facts, Format, ImageTable, Variant};
use crate::load::{self, Asset, Stamp};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Probes kept between runs: by the file read, its stamp and what it said.
pub type Probes = HashMap<PathBuf, (Stamp, Result<Facts, String>)>;

/// The table of the raster images among `assets`, reading only those whose stamp changed since
/// they were kept in `probes` (which is brought up to date).
pub fn table(assets: &[Asset], probes: &mut Probes) -> ImageTable {
    let raster: Vec<(&Asset, Format)> = assets.iter().filter_map(|a| Format::of_path(&a.out).map(|f| (a, f))).collect();
    let kept = &*probes;
    let results: Vec<(PathBuf, Stamp, Result<Facts, String>, bool)> = raster
        .par_iter()
        .map(|(a, format)| {
            let stamp = load::asset_stamp(&a.file).unwrap_or((0, None));
            match kept.get(&a.file) {
                Some((s, r)) if *s == stamp && stamp.1.is_some() => (a.file.clone(), stamp, r.clone(), false),
                _ => (a.file.clone(), stamp, load::read_image(&a.file).and_then(|bytes| images::probe(&bytes, *format)), true),
            }
        })
        .collect();
    let mut by_file = HashMap::default();
    let mut fresh = Vec::new();
    for ((a, _), (file, stamp, result, is_new)) in raster.iter().zip(results) {
        by_file.insert(a.out.clone(), result.clone());
        if is_new {
            fresh.push((file, (stamp, result)));
        }
    }
    probes.extend(fresh);
    if probes.len() > raster.len() {
        let live: std::collections::HashSet<&Path> = raster.iter().map(|(a, _)| a.file.as_path()).collect();
        probes.retain(|k, _| live.contains(k.as_path()));
    }
    let mut entries: Vec<(&String, &Result<Facts, String>)> = by_file.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let hash = hash_of(&entries);
    ImageTable { by_file, hash }
}

/// A warning for each published image whose EXIF data holds where it was taken: its copies
/// carry no metadata, but the file itself is published as it is, for anyone to download.
pub fn location_warnings(table: &ImageTable, assets: &[Asset], root: &Path) -> Vec<Diagnostic> {
    let mut located: Vec<&Asset> = assets.iter().filter(|a| table.facts(&a.out).is_some_and(|f| f.located)).collect();
    located.sort_by(|a, b| a.out.cmp(&b.out));
    located
        .into_iter()
        .map(|a| {
            let shown = a.src.strip_prefix(root).unwrap_or(&a.src);
            let file = crate::diag::slashed(shown);
            Diagnostic::file(shown, format!("image {file} holds the place it was taken (GPS location in its EXIF data); the resized copies pages show do not, but the file itself is published as it is"))
                .with_help(format!("remove the location from {file} (your photo app's \"remove location\", or `exiftool -gps:all= {file}`), unless it may be public"))
                .kind(Kind::Privacy)
                .warning()
        })
        .collect()
}

/// How one or more made files are made.
#[derive(Debug, PartialEq, Eq, Hash)]
pub enum Recipe {
    /// The copies of one image (decoded once for all).
    Copies {
        /// The file to read (an [`Asset`]'s `file`).
        source: PathBuf,
        /// The image as the user knows it (`static/images/team.jpg`), for messages.
        shown: PathBuf,
        /// Its output file (`images/team.jpg`).
        out: String,
        facts: Facts,
        variants: Vec<Variant>,
        quality: u8,
    },
    /// A social card (`og:image`): a title, a kicker above it and the site's name, in the
    /// site's colours.
    Card { title: String, kicker: String, site_name: String, colours: [[u8; 3]; 3] },
}

impl Recipe {
    /// The cache key of each file this recipe makes, with its extension, in order.
    pub fn keys(&self) -> Vec<(u64, &'static str)> {
        match self {
            Recipe::Copies { facts, variants, quality, .. } => {
                variants.iter().map(|v| (hash_of(&(facts.hash, v, quality, images::CODEC_VERSION)), v.format.extension())).collect()
            }
            Recipe::Card { title, kicker, site_name, colours } => {
                vec![(hash_of(&("card", title, kicker, site_name, colours, images::card::CARD_VERSION)), "png")]
            }
        }
    }

    /// The key under which the cache keeps why this recipe failed.
    fn error_key(&self) -> u64 {
        match self {
            Recipe::Copies { facts, .. } => hash_of(&("decode", facts.hash, images::CODEC_VERSION)),
            Recipe::Card { .. } => hash_of(&("card", self.keys())),
        }
    }

    /// Whether every file it makes is in the cache.
    pub fn is_made(&self, cache: &Cache) -> bool {
        self.keys().iter().all(|(k, ext)| cache.has(*k, ext))
    }
}

/// A file made from other files (a copy of an image), published like any other output file.
#[derive(Debug, Clone)]
pub struct MadeFile {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    /// Where the cache keeps it once made.
    pub cached: PathBuf,
    pub recipe: Arc<Recipe>,
}

/// The files made from the images of `table`, sorted by path.
pub fn plan(table: &ImageTable, assets: &[Asset], opts: &ImageOptions, cache: &Cache, root: &Path) -> Vec<MadeFile> {
    let mut files = Vec::new();
    for a in assets {
        let Some(facts) = table.facts(&a.out) else { continue };
        let variants = images::variants(facts, opts);
        let recipe = Arc::new(Recipe::Copies {
            source: a.file.clone(),
            shown: a.src.strip_prefix(root).map_or_else(|_| a.src.clone(), Path::to_path_buf),
            out: a.out.clone(),
            facts: *facts,
            variants: variants.clone(),
            quality: opts.quality,
        });
        for (v, (key, ext)) in variants.iter().zip(recipe.keys()) {
            files.push(MadeFile { path: images::variant_file(&a.out, v), cached: cache.file(key, ext), recipe: Arc::clone(&recipe) });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Makes what `recipe` makes into the cache, unless it is there already. `Err`: why not, in
/// plain words (kept in the cache when it is the image's own fault, so it is not decoded again).
pub fn make(recipe: &Recipe, cache: &Cache) -> Result<(), String> {
    if recipe.is_made(cache) {
        return Ok(());
    }
    if let Some(why) = cache.error(recipe.error_key()) {
        return Err(why);
    }
    match recipe {
        Recipe::Copies { source, facts, variants, quality, .. } => {
            let bytes = load::read_image(source)?;
            if crate::hash::hash_bytes(&bytes) != facts.hash {
                return Err("it changed while the site was being built; build again".into());
            }
            let made = match images::encode(&bytes, facts, variants, *quality) {
                Ok(made) => made,
                Err(why) => {
                    let _ = cache.put_error(recipe.error_key(), &why);
                    return Err(why);
                }
            };
            for ((key, ext), data) in recipe.keys().into_iter().zip(made) {
                cache.put(key, ext, &data).map_err(|e| format!("its copies could not be written to the cache in .folio/ ({})", crate::fsx::plain(&e)))?;
            }
            Ok(())
        }
        Recipe::Card { title, kicker, site_name, colours } => {
            let [background, foreground, accent] = colours.map(|[r, g, b]| images::card::Rgb(r, g, b));
            let png = images::card::render(&images::card::CardStyle { background, foreground, accent }, &images::card::CardText { kicker, title, site_name });
            for (key, ext) in recipe.keys() {
                cache.put(key, ext, &png).map_err(|e| format!("the social card could not be written to the cache in .folio/ ({})", crate::fsx::plain(&e)))?;
            }
            Ok(())
        }
    }
}

/// A page that may get a social card: its address, title, and the title of its section when it
/// is in one (other than the home page), which the card shows above the title.
pub struct CardPage<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub section: Option<&'a str>,
    /// Whether its `image:` is a raster image the site publishes (shown instead of a card).
    pub has_raster_image: bool,
}

/// The social cards: the site's, and one per article without an image of its own
/// ([`images::has_own_card`], which the page's `og:image` asks too).
pub fn plan_cards(pages: &[CardPage<'_>], config: &crate::config::SiteConfig, cache: &Cache) -> Vec<MadeFile> {
    let colour = |c: &str| crate::config::parse_colour(c).unwrap_or([0, 0, 0]);
    let card = &config.social_card;
    let colours = [colour(&card.background), colour(&card.text), colour(&card.accent)];
    let host = config.base_url.split("://").nth(1).unwrap_or(&config.base_url).trim_end_matches('/').to_string();
    let made = |path: String, recipe: Recipe| {
        let recipe = Arc::new(recipe);
        let (key, ext) = recipe.keys()[0];
        MadeFile { path, cached: cache.file(key, ext), recipe }
    };
    let mut files =
        vec![made(images::SITE_CARD.to_string(), Recipe::Card { title: config.title.clone(), kicker: String::new(), site_name: host.clone(), colours })];
    for p in pages {
        if images::has_own_card(p.section.is_some(), p.has_raster_image, p.title) {
            let recipe = Recipe::Card { title: p.title.to_string(), kicker: p.section.unwrap_or("").to_string(), site_name: config.title.clone(), colours };
            files.push(made(images::page_card_file(p.url), recipe));
        }
    }
    files
}

/// The distinct recipes of `files`.
pub fn recipes(files: &[MadeFile]) -> Vec<Arc<Recipe>> {
    let mut seen = std::collections::HashSet::new();
    files.iter().filter(|f| seen.insert(Arc::as_ptr(&f.recipe))).map(|f| Arc::clone(&f.recipe)).collect()
}

/// Makes every recipe of `files` whose files are not in the cache, in parallel. Returns the
/// ones that failed, with why.
pub fn make_missing(files: &[MadeFile], cache: &Cache) -> Vec<(Arc<Recipe>, String)> {
    let todo: Vec<Arc<Recipe>> = recipes(files).into_iter().filter(|r| !r.is_made(cache)).collect();
    todo.into_par_iter().filter_map(|r| make(&r, cache).err().map(|why| (r, why))).collect()
}

/// The recipes of `files` an earlier run found to fail (for serve, which makes files later).
pub fn known_failures(files: &[MadeFile], cache: &Cache) -> Vec<(Arc<Recipe>, String)> {
    recipes(files).into_iter().filter(|r| !r.is_made(cache)).filter_map(|r| cache.error(r.error_key()).map(|why| (r, why))).collect()
}

/// Where the site uses an image: (content file shown, its text, line, column, as written).
pub struct Use<'a> {
    pub shown: &'a Path,
    pub text: &'a str,
    pub line: usize,
    pub col: usize,
    pub written: &'a str,
}

/// The errors for an image that cannot be used: one at each place it is used, or one naming
/// the file when nothing uses it (it would still be published broken).
pub fn problem_diagnostics(shown: &Path, why: &str, uses: &[Use<'_>]) -> Vec<Diagnostic> {
    let file = crate::diag::slashed(shown);
    let help = format!("open {file} in an image editor and export it again as JPEG, PNG or WebP, or replace it");
    if uses.is_empty() {
        return vec![Diagnostic::file(shown, format!("image {file} cannot be published: {why}")).with_help(help).kind(Kind::Read)];
    }
    uses.iter()
        .map(|u| {
            Diagnostic::at(u.shown, u.text, u.line, u.col, format!("image `{}` cannot be used: {why}", u.written)).with_help(help.clone()).kind(Kind::Read)
        })
        .collect()
}
