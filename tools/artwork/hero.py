"""The home page hero: a lantern-lit harbour at dusk, 2400×1350."""

import numpy as np

from common import (
    DEEP,
    GOLD,
    LANTERN,
    blur,
    glow,
    grain,
    mask,
    mix,
    paint,
    rgb,
    to_image,
    value_noise,
)

W, H = 2400, 1350
HORIZON = 800
SUN_X = 1650


def smoothstep(a, b, x):
    t = np.clip((x - a) / (b - a), 0, 1)
    return t * t * (3 - 2 * t)


def sky_colour(ys, xs):
    """Dusk sky: deep navy above, violet in the middle, amber at the horizon near the sunset."""
    t = np.clip(ys / HORIZON, 0, 1)
    stops = [
        (0.00, "#0a1630"),
        (0.30, "#16305a"),
        (0.55, "#3c4d80"),
        (0.75, "#8a6f9c"),
        (0.90, "#e39a78"),
        (1.00, "#f6c27a"),
    ]
    out = np.zeros(t.shape + (3,), dtype=np.float32)
    for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
        seg = (t >= t0) & (t <= t1)
        k = smoothstep(t0, t1, t)
        col = mix(c0, c1, k)
        out[seg] = col[seg]
    # Warmer towards the sunset, cooler away from it.
    warm = np.clip(1 - np.abs(xs - SUN_X) / 1500, 0, 1) ** 1.5 * smoothstep(0.35, 1.0, t)
    out = mix(out, rgb("#ffb86b"), warm * 0.35)
    cool = smoothstep(600, 2000, np.abs(xs - SUN_X)) * smoothstep(0.5, 1.0, t)
    out = mix(out, rgb("#5a5f8f"), cool * 0.35)
    return out


def build(rng):
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    canvas = sky_colour(ys, xs)

    # Stars, fading out towards the horizon.
    stars = np.zeros((H, W), dtype=np.float32)
    n = 260
    sx, sy = rng.integers(0, W, n), (rng.random(n) ** 1.8 * HORIZON * 0.55).astype(int)
    stars[sy, sx] = rng.random(n) * 0.9 + 0.1
    stars = blur(stars, 1.1) * 6
    paint(canvas, "#fff6e0", np.clip(stars, 0, 0.85) * (1 - smoothstep(0, HORIZON * 0.55, ys)))

    # Clouds: long soft bands lit warm from below near the sunset.
    cl = value_noise(H, W, 420, rng, octaves=5, stretch=(0.35, 1.6))
    band = smoothstep(HORIZON * 0.18, HORIZON * 0.42, ys) * (1 - smoothstep(HORIZON * 0.62, HORIZON * 0.86, ys))
    density = smoothstep(0.50, 0.72, cl) * band
    lit = np.clip(1 - np.abs(xs - SUN_X) / 1400, 0, 1)
    cloud_col = mix(mix("#3a3f6e", "#c9869a", lit * 0.9), rgb("#ffc98a"), lit**3 * 0.6)
    paint(canvas, cloud_col, blur(density, 6) * 0.75)

    # The sunset's glow.
    g = glow(H, W, SUN_X, HORIZON + 20, 900, 2.2)
    canvas += rgb("#ffb46a") * g[..., None] * 0.45
    g2 = glow(H, W, SUN_X, HORIZON + 10, 260, 2.0)
    canvas += rgb("#fff0c8") * g2[..., None] * 0.55

    # Far hills, hazy.
    ridge = value_noise(1, W, 300, rng, octaves=4)[0]
    far_top = HORIZON - 40 - ridge * 90 - 40 * np.clip(1 - np.abs(np.arange(W) - 500) / 700, 0, 1)
    far = (ys >= far_top[None, :]) & (ys <= HORIZON)
    far_col = mix(rgb("#6f6a92"), rgb("#3d4a78"), np.full((H, W), 0.5, dtype=np.float32))
    paint(canvas, far_col, blur(far.astype(np.float32), 1.5) * 0.85)

    # The town on the left: a hazy far row and a darker near row of buildings with lit windows.
    for row, (x_end, lo, hi, lift, haze, chance) in enumerate([(1250, 160, 330, 0, 0.45, 0.18), (1120, 50, 170, 0, 0.0, 0.34)]):
        town = np.zeros((H, W), dtype=np.float32)
        windows = np.zeros((H, W), dtype=np.float32)
        x = -40 + row * 25
        while x < x_end:
            bw = int(rng.integers(60, 150))
            taper = np.clip(1 - x / (x_end + 100), 0, 1)
            bh = int(lo + (hi - lo) * taper * (0.5 + 0.5 * rng.random()))
            top = HORIZON - bh - lift
            town[top:HORIZON, max(0, x) : x + bw] = 1
            if rng.random() < 0.3:  # a mast on the roof
                town[top - 34 : top, x + bw // 2 - 2 : x + bw // 2 + 2] = 1
            elif rng.random() < 0.35:  # a stepped top
                town[top - 18 : top, x + bw // 4 : x + 3 * bw // 4] = 1
            for wy in range(top + 14, HORIZON - 12, 22):
                for wx in range(x + 9, x + bw - 12, 18):
                    if wx > 0 and rng.random() < chance:
                        windows[wy : wy + 10, wx : wx + 7] = 0.5 + 0.5 * rng.random()
            x += bw + int(rng.integers(-10, 14))
        town = blur(town, 1.4 if row == 0 else 0.8)
        base_col = mix(rgb("#1a2547"), rgb("#262d5c"), smoothstep(HORIZON - 300, HORIZON, ys))
        town_col = mix(base_col, sky_colour(ys, xs) * 0.75, haze)
        paint(canvas, town_col, town)
        win_col = mix(rgb(LANTERN), rgb("#ffe9b0"), value_noise(H, W, 40, rng, octaves=1))
        paint(canvas, win_col, np.clip(windows, 0, 1) * (0.95 - haze))
        canvas += rgb("#ffc060") * blur(windows, 10)[..., None] * (0.55 - haze * 0.6)

    # The headland and lighthouse on the right.
    land_x = np.arange(W, dtype=np.float32)
    land_top = HORIZON - smoothstep(1900, 2150, land_x) * 150 - value_noise(1, W, 80, rng, 3)[0] * 24 * smoothstep(1850, 2000, land_x)
    land = (ys >= land_top[None, :]) & (ys <= HORIZON + 4)
    paint(canvas, "#141c3a", blur(land.astype(np.float32), 1.0))
    lx, base, top = 2180, HORIZON - 150, HORIZON - 470
    tower = mask((W, H), lambda d: d.polygon([(lx - 38, base), (lx + 38, base), (lx + 24, top), (lx - 24, top)], fill=255), 0.8)
    lit_side = smoothstep(lx + 10, lx - 30, xs)
    tower_col = mix(rgb("#4a5578"), rgb("#9aa3c0"), lit_side)
    paint(canvas, tower_col, tower)
    stripes = mask((W, H), lambda d: [d.rectangle([lx - 40, y, lx + 40, y + 34], fill=255) for y in range(top + 70, base - 20, 110)], 0.6)
    paint(canvas, mix(rgb("#7a2f3a"), rgb("#b04a52"), lit_side), stripes * tower)
    paint(canvas, "#1b2340", mask((W, H), lambda d: d.rectangle([lx - 34, top - 10, lx + 34, top + 2], fill=255), 0.6))
    paint(canvas, "#ffe7a6", mask((W, H), lambda d: d.rectangle([lx - 20, top - 58, lx + 20, top - 10], fill=255), 0.6))
    paint(canvas, "#1b2340", mask((W, H), lambda d: d.polygon([(lx - 30, top - 58), (lx + 30, top - 58), (lx, top - 92)], fill=255), 0.6))
    # Its beam, sweeping towards the town.
    beam = mask((W, H), lambda d: d.polygon([(lx, top - 36), (900, top - 260), (760, top + 120)], fill=255), 30)
    beam *= smoothstep(0, 1400, xs - 800) ** 0.7
    canvas += rgb("#ffe3a0") * beam[..., None] * 0.18
    canvas += rgb("#ffd78a") * glow(H, W, lx, top - 34, 260, 2.4)[..., None] * 0.9
    canvas += rgb("#fff4d0") * glow(H, W, lx, top - 34, 60, 1.5)[..., None] * 0.8

    # Water: a darker, rippled reflection of the sky and everything on the horizon.
    above = canvas[:HORIZON].copy()
    depth = H - HORIZON
    src = np.clip(HORIZON - 1 - ((np.arange(depth)) * 0.9).astype(int), 0, HORIZON - 1)
    refl = above[src]
    ripple = value_noise(depth, W, 60, rng, octaves=4, stretch=(0.12, 3.0))
    shift = ((ripple - 0.5) * 40 * (1 + np.arange(depth)[:, None] / depth * 2)).astype(int)
    cols = np.clip(np.arange(W)[None, :] + shift, 0, W - 1)
    refl = refl[np.arange(depth)[:, None], cols]
    refl = sum(np.roll(refl, k, axis=0) for k in range(0, 24, 3)) / 8
    refl = blur(refl, 2.0)
    wy = np.arange(depth, dtype=np.float32)[:, None, None]
    sea = mix(rgb("#1a2c55"), rgb(DEEP), smoothstep(0, depth, wy[..., 0]))
    fade = 0.5 - 0.3 * smoothstep(0, depth, wy)
    water = refl * fade + sea * (1 - fade)
    water *= (0.86 + 0.28 * ripple)[..., None]
    canvas[HORIZON:] = water
    # Glitter under the sunset.
    glit = smoothstep(0.62, 0.8, value_noise(depth, W, 30, rng, octaves=3, stretch=(0.15, 4.0)))
    column = np.clip(1 - np.abs(xs[HORIZON:] - SUN_X) / (180 + (ys[HORIZON:] - HORIZON) * 0.9), 0, 1) ** 1.5
    canvas[HORIZON:] += rgb("#ffd08a") * (glit * column * (1 - smoothstep(0, depth, ys[HORIZON:] - HORIZON) * 0.6))[..., None] * 0.9
    # A soft line where sea meets sky.
    canvas += rgb("#ffd9a0") * (np.exp(-((ys - HORIZON) ** 2) / 18) * np.clip(1 - np.abs(xs - SUN_X) / 1100, 0, 1))[..., None] * 0.35

    # Reflections broken into ripples.
    broken = np.ones((H, W), dtype=np.float32)
    broken[HORIZON:] = smoothstep(0.35, 0.75, value_noise(depth, W, 24, rng, octaves=2, stretch=(0.2, 2.5)))

    # Floating lanterns on the water, smaller as they go out to sea.
    for _ in range(16):
        fy = HORIZON + 40 + (rng.random() ** 1.6) * (depth - 260)
        fx = rng.uniform(300, 2250)
        scale = 0.5 + (fy - HORIZON) / depth * 2.2
        r = 7 * scale
        body = mask((W, H), lambda d: d.rounded_rectangle([fx - r, fy - 1.5 * r, fx + r, fy + r * 0.6], radius=r * 0.5, fill=255), 1.0)
        paint(canvas, "#ffcf70", body)
        canvas += rgb("#ffb347") * glow(H, W, fx, fy - r * 0.4, 60 * scale, 2.0)[..., None] * 0.55
        streak = mask((W, H), lambda d: d.ellipse([fx - r * 0.8, fy + r * 0.6, fx + r * 0.8, fy + r * 0.6 + 70 * scale], fill=255), 3 * scale)
        canvas += rgb("#ffb347") * (streak * broken)[..., None] * 0.45

    # The pier in the foreground, with three lamps.
    def deck_y(px):
        return 1120 + px * 0.06

    pier = mask(
        (W, H),
        lambda d: (
            d.polygon([(-10, deck_y(-10)), (820, deck_y(820)), (820, deck_y(820) + 46), (-10, deck_y(-10) + 58)], fill=255),
            [d.rectangle([px, deck_y(px) + 30, px + 26, H], fill=255) for px in range(30, 820, 110)],
        ),
        1.2,
    )
    paint(canvas, "#0a1122", pier)
    # The deck's top edge catches the lamplight.
    edge = mask((W, H), lambda d: d.line([(-10, deck_y(-10)), (820, deck_y(820))], fill=255, width=5), 1.2)
    for px in (160, 440, 720):
        top_y = deck_y(px) - 230
        post = mask((W, H), lambda d: (d.rectangle([px - 6, top_y, px + 6, deck_y(px) + 4], fill=255), d.rectangle([px - 6, top_y, px + 42, top_y + 8], fill=255)), 1.0)
        paint(canvas, "#0a1122", post)
        lamp = mask((W, H), lambda d: d.rounded_rectangle([px + 24, top_y + 14, px + 52, top_y + 50], radius=7, fill=255), 1.0)
        paint(canvas, "#ffe6a8", lamp)
        canvas += rgb(GOLD) * glow(H, W, px + 38, top_y + 32, 240, 2.2)[..., None] * 0.8
        canvas += rgb("#ffb347") * (edge * glow(H, W, px + 38, deck_y(px), 260, 1.2))[..., None] * 0.8
        refl_lamp = mask((W, H), lambda d: d.ellipse([px + 20, deck_y(px) + 60, px + 56, H + 40], fill=255), 8)
        canvas += rgb("#ffb040") * (refl_lamp * broken)[..., None] * 0.35

    # Vignette, grain.
    vig = glow(H, W, W * 0.55, H * 0.5, 1900, 1.0)
    canvas *= (0.62 + 0.38 * vig)[..., None]
    grain(canvas, rng, 0.01)
    return to_image(canvas)
