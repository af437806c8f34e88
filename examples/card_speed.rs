//! How fast social cards are drawn: `cargo run --release --example card_speed [count]`.
//! Renders `count` (default 2,000) different titles on one thread and prints ms/card and
//! bytes/card; with `--write DIR`, also writes samples for looking at.

use folio::images::card::{self, CardStyle, CardText, Rgb};
use std::time::Instant;

const WORDS: &[&str] = &[
    "how",
    "we",
    "cut",
    "build",
    "times",
    "in",
    "half",
    "designing",
    "pricing",
    "pages",
    "that",
    "convert",
    "a",
    "field",
    "guide",
    "to",
    "static",
    "sites",
    "for",
    "marketing",
    "teams",
    "the",
    "quiet",
    "power",
    "of",
    "good",
    "defaults",
    "shipping",
    "faster",
    "with",
    "fewer",
    "meetings",
    "what",
    "our",
    "customers",
    "taught",
    "us",
    "about",
    "onboarding",
    "and",
    "typography",
    "accessibility",
    "performance",
    "budgets",
    "writing",
    "better",
    "release",
    "notes",
    "Zürich",
    "café",
    "résumé",
    "naïve",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("--write") {
        write_samples(&args.next().unwrap_or_else(|| "/tmp".to_string()));
        return;
    }
    let count: usize = first.and_then(|a| a.parse().ok()).unwrap_or(2000);
    let style = CardStyle { background: Rgb(15, 23, 42), foreground: Rgb(248, 250, 252), accent: Rgb(56, 189, 248) };
    // Titles of 3 to 14 words from a fixed pseudo-random sequence, each made distinct by its number.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let titles: Vec<String> = (0..count)
        .map(|i| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = 3 + (seed % 12) as usize;
            let mut words: Vec<&str> = (0..n).map(|k| WORDS[((seed >> (k * 4)) as usize + k * 7) % WORDS.len()]).collect();
            words[0] = if i % 2 == 0 { "Why" } else { "How" };
            format!("{} ({i})", words.join(" "))
        })
        .collect();
    let start = Instant::now();
    let mut bytes = 0usize;
    let mut largest = 0usize;
    for title in &titles {
        let png = card::render(&style, &CardText { kicker: "Articles", title, site_name: "Northwind Studio" });
        bytes += png.len();
        largest = largest.max(png.len());
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!("{count} cards: {:.3} ms/card, {} bytes/card on average, {} bytes the largest", elapsed * 1000.0 / count as f64, bytes / count.max(1), largest);
}

/// Sample cards for looking at: `DIR/card-<name>.png`.
fn write_samples(dir: &str) {
    let light = CardStyle { background: Rgb(255, 255, 255), foreground: Rgb(17, 24, 39), accent: Rgb(79, 70, 229) };
    let dark = CardStyle { background: Rgb(15, 23, 42), foreground: Rgb(248, 250, 252), accent: Rgb(56, 189, 248) };
    let warm = CardStyle { background: Rgb(0xfd, 0xf6, 0xe3), foreground: Rgb(0x3b, 0x2f, 0x2f), accent: Rgb(0xc2, 0x41, 0x0c) };
    let samples: &[(&str, CardStyle, &str, &str)] = &[
        ("short-light", light, "Articles", "Hello, world"),
        ("three-lines-dark", dark, "Articles", "How we cut our build times in half by caching every expensive step of the pipeline"),
        ("very-long-light", light, "Knowledge base", "A very long title that goes on and on about static sites, pricing pages, onboarding, accessibility, performance budgets, typography and everything else a marketing team might possibly want to write about in a single article"),
        ("long-word-dark", dark, "Articles", "Supercalifragilisticexpialidociousantidisestablishmentarianism"),
        ("french-warm", warm, "Journal", "Où trouver des idées neuves — l’été dernier à Zürich"),
        ("no-kicker-dark", dark, "", "Как мы ускорили сборку сайта в два раза"),
        // The card of the unit test `a_card_has_the_same_bytes_everywhere`.
        ("golden-dark", dark, "Articles", "Où trouver des idées neuves — l’été dernier à Zürich"),
    ];
    for (name, style, kicker, title) in samples {
        let png = card::render(style, &CardText { kicker, title, site_name: "Northwind Studio" });
        let path = format!("{dir}/card-{name}.png");
        if let Err(e) = std::fs::write(&path, &png) {
            eprintln!("{path}: {e}");
        }
        println!("{path}: {} bytes, xxh3 {}", png.len(), xxhash_rust::xxh3::xxh3_64(&png));
    }
}
