"""Regenerate the sample site's raster artwork into static/images/ (see README.md here)."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import save_jpeg  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "static" / "images"


def main(only=None):
    import articles
    import diagram
    import hero
    import portraits

    jobs = {
        "hero": lambda: save_jpeg(hero.build(np.random.default_rng(15)), OUT / "harbour-at-dusk.jpg"),
    }
    for i, slug in enumerate(portraits.PEOPLE):
        jobs[slug] = lambda slug=slug, i=i: save_jpeg(portraits.build(slug, np.random.default_rng(100 + i)), OUT / "team" / f"{slug}.jpg")
    jobs["roadmap-timeline"] = lambda: diagram.build().save(OUT / "roadmap-timeline.png", optimize=True)
    for i, slug in enumerate(articles.ARTICLES):
        jobs[slug] = lambda slug=slug, i=i: save_jpeg(articles.ARTICLES[slug](np.random.default_rng(200 + i)), OUT / "articles" / f"{slug}.jpg")
    (OUT / "articles").mkdir(parents=True, exist_ok=True)
    (OUT / "team").mkdir(parents=True, exist_ok=True)
    for name, job in jobs.items():
        if only and name not in only:
            continue
        job()
        print("made", name)


if __name__ == "__main__":
    main(sys.argv[1:])
