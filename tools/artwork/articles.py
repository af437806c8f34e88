"""Article header illustrations, 2400×1260 (the 1200×630 shape the theme shows on cards)."""

import numpy as np

from common import LANTERN, bezier, blur, glow, grain, mask, mix, paint, rgb, to_image, value_noise

W, H = 2400, 1260


def smoothstep(a, b, x):
    t = np.clip((x - a) / (b - a), 0, 1)
    return t * t * (3 - 2 * t)


def gradient(ys, stops):
    out = np.zeros(ys.shape + (3,), dtype=np.float32)
    for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
        seg = (ys >= t0) & (ys <= t1)
        out[seg] = mix(c0, c1, smoothstep(t0, t1, ys))[seg]
    return out


def grid():
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    return ys, xs


def ridge(rng, base, amp, cell, octaves=4):
    return base - value_noise(1, W, cell, rng, octaves)[0] * amp


def finish(canvas, rng, centre=(0.5, 0.5)):
    vig = glow(H, W, W * centre[0], H * centre[1], 1800, 1.0)
    canvas *= (0.66 + 0.34 * vig)[..., None]
    grain(canvas, rng, 0.01)
    return to_image(canvas)


def lighthouse_night(rng):
    """Security policy: a lighthouse keeps watch over a dark, choppy sea."""
    ys, xs = grid()
    horizon = 760
    canvas = gradient(ys / horizon, [(0, "#07142a"), (0.6, "#132b50"), (1.0, "#2c4a76"), (10, "#2c4a76")])
    clouds = value_noise(H, W, 380, rng, octaves=5, stretch=(0.4, 1.8))
    paint(canvas, mix("#0c1a33", "#3b5a86", smoothstep(0.5, 0.9, clouds)), smoothstep(0.45, 0.7, clouds) * 0.8 * (ys < horizon))
    stars = np.zeros((H, W), dtype=np.float32)
    n = 180
    stars[(rng.random(n) ** 1.5 * horizon * 0.6).astype(int), rng.integers(0, W, n)] = 1
    paint(canvas, "#fff3d6", np.clip(blur(stars, 1.0) * 5, 0, 0.8) * (clouds < 0.5))
    # The beam, the lamp's glow.
    lx, ly = 1720, 290
    beam = mask((W, H), lambda d: d.polygon([(lx, ly - 10), (0, 80), (0, 520), (lx, ly + 12)], fill=255), 24)
    beam *= np.clip(1 - (lx - xs) / 2600, 0, 1) ** 0.8
    canvas += rgb("#ffe3a0") * beam[..., None] * 0.32
    # Sea.
    sea_y = ys - horizon
    chop = value_noise(H, W, 40, rng, octaves=4, stretch=(0.2, 3.0))
    sea = mix(rgb("#1d3a63"), rgb("#06101f"), smoothstep(0, H - horizon, sea_y))
    sea = sea * (0.8 + 0.4 * chop)[..., None]
    canvas = np.where((ys >= horizon)[..., None], sea, canvas)
    path = np.clip(1 - np.abs(xs - 650 + (ys - horizon) * 0.35) / (80 + sea_y * 0.9), 0, 1) * 0.6
    canvas += rgb("#ffcf7a") * (path * smoothstep(0.55, 0.8, chop) * (ys > horizon))[..., None] * 0.7
    # The rocky headland: a cliff falling into the sea on the right.
    edge = value_noise(1, 400, 30, rng, octaves=3)[0]
    outline = [(1180, H)]
    for i, (x, y) in enumerate(bezier([(1180, H), (1240, 900), (1330, 700), (1480, 560), (1600, 520), (2000, 500), (2400, 430)], steps=200)):
        outline.append((x + (edge[i % 400] - 0.5) * 30, y + (edge[(i * 7) % 400] - 0.5) * 24))
    outline += [(2400, H)]
    rock = mask((W, H), lambda d: d.polygon(outline, fill=255), 1.5)
    rock_col = mix(rgb("#16264a"), rgb("#0a1428"), smoothstep(500, 1200, ys))
    rock_col = mix(rock_col, rgb("#2a426e"), glow(H, W, lx, ly, 700, 1.5) * 0.6)  # lit near the lamp
    paint(canvas, rock_col, rock)
    crags = value_noise(H, W, 40, rng, octaves=3, stretch=(3.0, 0.35))
    paint(canvas, "#26406b", rock * smoothstep(0.55, 0.8, crags) * smoothstep(1400, 500, ys), 0.35)
    paint(canvas, "#050b18", rock * smoothstep(0.55, 0.25, crags), 0.3)
    # Foam where the sea meets the cliff.
    foam_line = bezier([(1180, H), (1240, 900), (1330, 700)], steps=120)
    foam = mask((W, H), lambda d: d.line([(x - 25, y) for x, y in foam_line], fill=255, width=40), 12)
    paint(canvas, "#cfdbeb", foam * smoothstep(0.45, 0.7, chop) * (ys > horizon), 0.6)
    base, tower_top = 490, 330
    tower = mask((W, H), lambda d: d.polygon([(lx - 58, base + 40), (lx + 58, base + 40), (lx + 34, tower_top), (lx - 34, tower_top)], fill=255), 1)
    lit = smoothstep(lx + 30, lx - 40, xs)
    paint(canvas, mix(rgb("#58678c"), rgb("#c8d2e6"), lit), tower)
    stripes = mask((W, H), lambda d: [d.rectangle([lx - 60, y, lx + 60, y + 30], fill=255) for y in (390, 450)], 0.8)
    paint(canvas, mix(rgb("#1b3a60"), rgb("#2f5d93"), lit), stripes * tower)
    paint(canvas, "#13233f", mask((W, H), lambda d: d.rectangle([lx - 48, tower_top - 8, lx + 48, tower_top + 4], fill=255), 0.8))
    paint(canvas, "#fff1c2", mask((W, H), lambda d: d.rectangle([lx - 26, tower_top - 72, lx + 26, tower_top - 8], fill=255), 0.8))
    paint(canvas, "#13233f", mask((W, H), lambda d: d.polygon([(lx - 40, tower_top - 72), (lx + 40, tower_top - 72), (lx, tower_top - 116)], fill=255), 0.8))
    canvas += rgb(LANTERN) * glow(H, W, lx, tower_top - 40, 340, 2.2)[..., None] * 0.9
    canvas += rgb("#fff6dc") * glow(H, W, lx, tower_top - 40, 70, 1.4)[..., None] * 0.9
    # A keeper's cottage with a lit window.
    paint(canvas, "#22365a", mask((W, H), lambda d: d.polygon([(1900, 530), (2080, 530), (2080, 430), (1990, 370), (1900, 430)], fill=255), 1))
    paint(canvas, "#ffd36b", mask((W, H), lambda d: d.rectangle([1972, 450, 2007, 490], fill=255), 0.8))
    canvas += rgb("#ffb347") * glow(H, W, 1990, 470, 90, 2)[..., None] * 0.5
    return finish(canvas, rng, (0.65, 0.4))


def fleet(rng):
    """Hiring: small boats, each with its lantern, sailing together in one direction at dawn."""
    ys, xs = grid()
    horizon = 700
    canvas = gradient(ys / horizon, [(0, "#1b3a60"), (0.45, "#4a6a9a"), (0.8, "#e6a98a"), (1.0, "#ffd79a"), (10, "#ffd79a")])
    sun_x = 1900
    canvas += rgb("#fff0c8") * glow(H, W, sun_x, horizon, 260, 1.6)[..., None] * 0.8
    canvas += rgb("#ffc07a") * glow(H, W, sun_x, horizon, 1100, 2.0)[..., None] * 0.35
    clouds = value_noise(H, W, 360, rng, octaves=5, stretch=(0.3, 2.0))
    band = smoothstep(100, 300, ys) * (1 - smoothstep(450, 640, ys))
    lit = np.clip(1 - np.abs(xs - sun_x) / 1500, 0, 1)
    paint(canvas, mix(mix("#7a86b0", "#f0b8a0", lit), rgb("#ffe0b0"), lit**3 * 0.5), blur(smoothstep(0.52, 0.72, clouds) * band, 5) * 0.7)
    # Distant islands.
    isl = ridge(rng, horizon, 70, 220) * 1.0
    far = (ys >= isl[None, :]) & (ys <= horizon)
    paint(canvas, "#7d7fa6", blur(far.astype(np.float32), 1.5) * (1 - smoothstep(700, 1100, xs)) * 0.8)
    # Sea.
    depth = H - horizon
    chop = value_noise(depth, W, 36, rng, octaves=4, stretch=(0.18, 3.2))
    sky_ref = canvas[np.clip(horizon - 1 - (np.arange(depth) * 1.1).astype(int), 0, horizon - 1)]
    wy = np.arange(depth, dtype=np.float32)[:, None]
    sea = mix(rgb("#2a4775"), rgb("#0d1f3a"), smoothstep(0, depth, wy))
    fade = (0.55 - 0.35 * smoothstep(0, depth, wy))[..., None]
    canvas[horizon:] = (sky_ref * fade + sea * (1 - fade)) * (0.82 + 0.36 * chop)[..., None]
    column = np.clip(1 - np.abs(xs[horizon:] - sun_x) / (120 + wy * 1.1), 0, 1)
    canvas[horizon:] += rgb("#ffd89a") * (column * smoothstep(0.55, 0.75, chop))[..., None] * 0.8
    # The boats: near ones bigger, all heading right, towards the sun.
    boats = [(380, 1090, 1.35), (820, 960, 1.0), (1180, 1040, 1.15), (1500, 880, 0.75), (1760, 790, 0.45), (640, 800, 0.5)]
    for bx, by, s in sorted(boats, key=lambda b: b[1]):
        hull = [(bx - 150 * s, by - 30 * s), (bx + 170 * s, by - 30 * s), (bx + 110 * s, by + 22 * s), (bx - 120 * s, by + 22 * s)]
        main_sail = [(bx - 10 * s, by - 50 * s), (bx - 10 * s, by - 360 * s), (bx - 170 * s, by - 60 * s)]
        jib = [(bx + 10 * s, by - 330 * s), (bx + 10 * s, by - 50 * s), (bx + 150 * s, by - 50 * s)]
        dist = smoothstep(1100, 800, by)
        paint(canvas, mix(rgb("#f3ead8"), rgb("#d9c9b8"), dist * 0.6), mask((W, H), lambda d: d.polygon(main_sail, fill=255), 1.2))
        paint(canvas, mix(rgb("#ffc94d"), rgb("#e8b878"), dist * 0.6), mask((W, H), lambda d: d.polygon(jib, fill=255), 1.2))
        shade = mask((W, H), lambda d: d.polygon([(bx - 10 * s, by - 50 * s), (bx - 10 * s, by - 360 * s), (bx - 60 * s, by - 230 * s), (bx - 70 * s, by - 55 * s)], fill=255), 10 * s)
        paint(canvas, "#8d8aa8", shade * mask((W, H), lambda d: d.polygon(main_sail, fill=255), 1.2), 0.35)
        paint(canvas, mix(rgb("#13233f"), rgb("#3b4f78"), dist * 0.7), mask((W, H), lambda d: d.polygon(hull, fill=255), 1.2))
        paint(canvas, "#13233f", mask((W, H), lambda d: d.line([(bx, by - 30 * s), (bx, by - 380 * s)], fill=255, width=max(2, int(7 * s))), 0.8))
        lamp = (bx + 150 * s, by - 44 * s)
        paint(canvas, "#fff0c0", mask((W, H), lambda d: d.ellipse([lamp[0] - 9 * s, lamp[1] - 12 * s, lamp[0] + 9 * s, lamp[1] + 6 * s], fill=255), 1))
        canvas += rgb("#ffbf55") * glow(H, W, lamp[0], lamp[1], 90 * s, 2)[..., None] * 0.8
        wake = mask((W, H), lambda d: d.polygon([(bx - 120 * s, by + 18 * s), (bx - 520 * s, by + 40 * s), (bx - 520 * s, by + 10 * s)], fill=255), 6 * s)
        paint(canvas, "#dfe8f5", wake, 0.25)
        refl = mask((W, H), lambda d: d.rectangle([bx - 120 * s, by + 22 * s, bx + 110 * s, by + 90 * s], fill=255), 10 * s)
        paint(canvas, "#0b1830", refl * np.concatenate([np.zeros((horizon, W)), smoothstep(0.3, 0.7, chop)]), 0.45)
    return finish(canvas, rng, (0.6, 0.5))


def roadmap(rng):
    """Roadmap: a road winding over layered hills towards the sunrise, lamps marking the way."""
    ys, xs = grid()
    canvas = gradient(ys / 620, [(0, "#1b3a60"), (0.5, "#5d7fb0"), (0.85, "#f1c08e"), (1.0, "#ffe2a8"), (10, "#ffe2a8")])
    sun = (1500, 560)
    canvas += rgb("#fff3cf") * glow(H, W, *sun, 200, 1.4)[..., None] * 0.9
    canvas += rgb("#ffc98a") * glow(H, W, *sun, 1200, 2.0)[..., None] * 0.4
    clouds = value_noise(H, W, 400, rng, octaves=5, stretch=(0.3, 2.2))
    paint(canvas, mix("#9fb0d4", "#ffd9b8", np.clip(1 - np.abs(xs - sun[0]) / 1400, 0, 1)), blur(smoothstep(0.55, 0.75, clouds) * (ys < 460), 6) * 0.6)
    # Layers of hills, hazier with distance.
    layers = [
        (600, 90, 300, "#8d8fbc", "#b9a9c4"),
        (700, 120, 260, "#5c6f9e", "#8d90b8"),
        (820, 140, 240, "#35507f", "#4f6794"),
        (960, 150, 220, "#1f375f", "#2c4874"),
        (1110, 120, 260, "#13233f", "#1b3158"),
    ]
    tops = []
    for base, amp, cell, c0, c1 in layers:
        top = ridge(rng, base, amp, cell)
        tops.append(top)
        hill = blur(((ys >= top[None, :])).astype(np.float32), 1.2)
        paint(canvas, mix(c1, c0, smoothstep(0, 300, ys - top[None, :])), hill)
    # The road: a ribbon that narrows as it winds into the distance.
    t = np.linspace(0, 1, 400)
    cx = 900 + 420 * np.sin(t * 6.0 + 0.6) * (1 - t) ** 1.2 + t * 600
    cy = 1300 - (1 - (1 - t) ** 1.5) * 690
    half = 170 * (1 - t) ** 1.6 + 4
    left = list(zip(cx - half, cy))
    right = list(zip(cx + half, cy))[::-1]
    road = mask((W, H), lambda d: d.polygon(left + right, fill=255), 1.5)
    # Hide the road where a nearer hill crosses in front of it.
    paint(canvas, mix(rgb("#e7c89a"), rgb("#c9a98c"), smoothstep(1260, 640, ys)), road * smoothstep(560, 640, ys))
    dash = mask((W, H), lambda d: [d.line([(cx[i], cy[i]), (cx[i + 6], cy[i + 6])], fill=255, width=max(2, int(half[i] * 0.08))) for i in range(0, 380, 18)], 1)
    paint(canvas, "#fff6de", dash * road, 0.8)
    # Lamps beside the road: milestones.
    for i in (30, 95, 150, 200, 244, 280):
        s = (1 - t[i]) ** 1.3 + 0.08
        side = 1 if i % 2 == 0 else -1
        px, py = cx[i] + side * (half[i] + 40 * s), cy[i]
        paint(canvas, "#0f1b2d", mask((W, H), lambda d: d.line([(px, py), (px, py - 240 * s)], fill=255, width=max(2, int(10 * s))), 1))
        lamp = (px, py - 240 * s)
        paint(canvas, "#fff0c0", mask((W, H), lambda d: d.rounded_rectangle([lamp[0] - 14 * s, lamp[1] - 24 * s, lamp[0] + 14 * s, lamp[1] + 12 * s], radius=5 * s, fill=255), 1))
        canvas += rgb("#ffbf55") * glow(H, W, lamp[0], lamp[1], 200 * s, 2.2)[..., None] * 0.75
    return finish(canvas, rng, (0.55, 0.55))


ARTICLES = {
    "lighthouse-at-night": lighthouse_night,
    "fleet-at-dawn": fleet,
    "road-to-sunrise": roadmap,
}
