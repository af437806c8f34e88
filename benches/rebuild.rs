//! Incremental rebuild benchmark (not a test): how long `folio serve` takes to rebuild after a
//! one-article edit, and how many files it renders.
//!
//! cargo bench --bench rebuild -- SITE_ROOT ARTICLE_PATH [EDITS]
//! e.g. python3 benches/gen_site.py --pages 10000 --out /tmp/s10k
//!      cargo bench --bench rebuild -- /tmp/s10k/folio /tmp/s10k/folio/content/articles/post-00042.md

use folio::pipeline::BuildOptions;
use folio::session::Session;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let (Some(root), Some(article)) = (args.first(), args.get(1)) else {
        eprintln!("usage: cargo bench --bench rebuild -- SITE_ROOT ARTICLE_PATH [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let article = PathBuf::from(article);
    let original = std::fs::read_to_string(&article).expect("read the article");
    let mut session = Session::new(BuildOptions { root: PathBuf::from(root), ..Default::default() });
    let t = Instant::now();
    let first = session.build().unwrap_or_else(|e| panic!("{e}"));
    println!("full build: {} ms, {} files rendered ({})", t.elapsed().as_millis(), first.rendered, first.stats);
    let mut times = Vec::new();
    let cpu_before = cpu_seconds();
    for i in 0..edits {
        std::fs::write(&article, format!("{original}\n\nEdit number {i} of the benchmark.\n")).expect("write the article");
        let t = Instant::now();
        let report = edit_rebuild(&mut session, &article);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        println!("edit {i}: {ms:.1} ms, {} files rendered, {} changed", report.rendered, report.changed.len());
    }
    let cpu = (cpu_seconds() - cpu_before) / edits as f64 * 1000.0;
    std::fs::write(&article, original).expect("restore the article");
    println!("CPU time per rebuild (user+system, all threads): {cpu:.1} ms");
    times.sort_by(|a, b| a.total_cmp(b));
    println!("median one-article rebuild: {:.1} ms over {edits} edits", times[times.len() / 2]);
}

/// User + system CPU time of this process so far, from /proc (Linux; 0 elsewhere). Less
/// disturbed than wall time when other work shares the machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0) + fields.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// One rebuild after an edit; a separate function so a profiler can count just this
/// (`valgrind --tool=callgrind --toggle-collect='*edit_rebuild*'`).
#[inline(never)]
fn edit_rebuild(session: &mut Session, article: &std::path::Path) -> folio::session::Report {
    session.rebuild(&[article.to_path_buf()]).unwrap_or_else(|e| panic!("{e}"))
}
