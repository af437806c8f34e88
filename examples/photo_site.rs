//! Writes a site full of photographs, for `benches/images.sh`:
//! `cargo run --release --example photo_site -- --photos 200 --out /tmp/photos`
//! (`--first K`: photographs K to K + N − 1, for a new photograph that is none of the site's).
//!
//! `photos` JPEG photographs (quality 90, the size a phone or a stock library gives: 4032×3024,
//! 3000×2000 and 2400×1600 in turn), twenty to an article, and a site that shows each once as a
//! Markdown image, the first of each article as its `image:` hero. The pixels are smooth
//! gradients with soft shapes and fine grain, so they cost what photographs cost to decode,
//! resize and encode (flat colour would flatter every encoder). The same arguments always
//! write the same bytes.

use std::path::{Path, PathBuf};

/// Sizes in turn: a phone's 12 MP, a 6 MP export, a 4 MP export.
const SIZES: [(u32, u32); 3] = [(4032, 3024), (3000, 2000), (2400, 1600)];
const PER_ARTICLE: usize = 20;

/// A small deterministic generator (xorshift64*), so the site is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

fn photo(index: usize) -> image::RgbImage {
    let (w, h) = SIZES[index % SIZES.len()];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED69));
    let sky = [rng.unit() * 120.0 + 60.0, rng.unit() * 120.0 + 80.0, rng.unit() * 100.0 + 130.0];
    let ground = [rng.unit() * 90.0 + 30.0, rng.unit() * 80.0 + 40.0, rng.unit() * 60.0 + 20.0];
    let horizon = 0.45 + rng.unit() * 0.2;
    let blobs: Vec<(f32, f32, f32, [f32; 3])> =
        (0..12).map(|_| (rng.unit(), rng.unit(), 0.04 + rng.unit() * 0.18, [rng.unit() * 255.0, rng.unit() * 255.0, rng.unit() * 255.0])).collect();
    let mut grain = Rng(rng.next() | 1);
    image::RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (x as f32 / w as f32, y as f32 / h as f32);
        let t = ((v - horizon) * 12.0).tanh() * 0.5 + 0.5;
        let mut c = [0f32; 3];
        for k in 0..3 {
            c[k] = sky[k] * (1.0 - t) + ground[k] * t + (u * 9.0 + v * 4.0).sin() * 10.0;
        }
        for &(bx, by, r, colour) in &blobs {
            let d = ((u - bx).powi(2) + (v - by).powi(2) * 0.56).sqrt() / r;
            if d < 1.0 {
                let a = (1.0 - d * d) * 0.6;
                for k in 0..3 {
                    c[k] = c[k] * (1.0 - a) + colour[k] * a;
                }
            }
        }
        let n = (grain.unit() - 0.5) * 18.0;
        image::Rgb([(c[0] + n).clamp(0.0, 255.0) as u8, (c[1] + n).clamp(0.0, 255.0) as u8, (c[2] + n).clamp(0.0, 255.0) as u8])
    })
}

type Failure = Box<dyn std::error::Error>;

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn main() -> Result<(), Failure> {
    let mut photos = 200usize;
    let mut first = 0usize;
    let mut out = PathBuf::from("/tmp/folio-photos");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--photos" => photos = args.next().and_then(|n| n.parse().ok()).ok_or("--photos needs a number")?,
            "--first" => first = args.next().and_then(|n| n.parse().ok()).ok_or("--first needs a number")?,
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a folder")?),
            other => return Err(format!("unknown argument {other}: use --photos N [--first K] --out DIR").into()),
        }
    }
    write(
        &out.join("site.yaml"),
        b"title: \"Photo benchmark\"\nbase_url: \"https://photos.example.com\"\ndescription: \"A site of photographs.\"\ntheme: default\n",
    )?;
    write(&out.join("content/_index.md"), b"---\ntitle: \"Photos\"\n---\nA site of photographs.\n")?;
    write(&out.join("content/albums/_index.md"), b"---\ntitle: \"Albums\"\nsort_by: date\n---\n")?;
    let mut bytes = 0usize;
    for i in first..first + photos {
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&photo(i))?;
        bytes += jpeg.len();
        write(&out.join(format!("static/photos/photo-{i:04}.jpg")), &jpeg)?;
    }
    for (a, chunk) in (first..first + photos).collect::<Vec<_>>().chunks(PER_ARTICLE).enumerate() {
        let mut md = format!(
            "---\ntitle: \"Album {}\"\ndate: 2024-01-{:02}\ndescription: \"Twenty photographs.\"\nimage: \"/photos/photo-{:04}.jpg\"\n---\n",
            a + 1,
            a % 28 + 1,
            chunk[0]
        );
        for &i in chunk {
            md.push_str(&format!("## Photo {i}\n\n![Photograph number {i}](/photos/photo-{i:04}.jpg)\n\n"));
        }
        write(&out.join(format!("content/albums/album-{:03}.md", a + 1)), md.as_bytes())?;
    }
    println!("{photos} photographs ({:.0} MB of JPEG) in {}", bytes as f64 / 1e6, out.display());
    Ok(())
}
