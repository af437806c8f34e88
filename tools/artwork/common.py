"""Small drawing helpers shared by the artwork generators (numpy arrays of floats in 0..1)."""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# The site's palette (themes/default/static/css/site.css and the SVGs in static/images/).
NAVY = "#13233f"
NAVY_2 = "#1b3a60"
INK = "#1b2a4a"
DEEP = "#07172b"
SEA = "#123a5e"
ACCENT = "#0a5a85"
GOLD = "#ffc94d"
LANTERN = "#ffd36b"
MIST = "#c8d6ee"
SOFT = "#eaf2f8"


def rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) / 255.0 for i in (0, 2, 4)], dtype=np.float32)


def mix(a, b, t):
    """Linear mix of two colours (or arrays); t may be an array broadcasting over the last axis."""
    a = rgb(a) if isinstance(a, str) else a
    b = rgb(b) if isinstance(b, str) else b
    t = np.asarray(t, dtype=np.float32)
    if t.ndim >= 1 and t.shape[-1] != 3:
        t = t[..., None]
    return a * (1 - t) + b * t


def value_noise(h, w, cell, rng, octaves=4, stretch=(1.0, 1.0)):
    """Fractal value noise in 0..1: random grids of growing resolution, smoothly upsampled."""
    out = np.zeros((h, w), dtype=np.float32)
    amp, total = 1.0, 0.0
    for _ in range(octaves):
        gh = max(2, int(h / (cell * stretch[0])) + 2)
        gw = max(2, int(w / (cell * stretch[1])) + 2)
        grid = rng.random((gh, gw)).astype(np.float32)
        layer = Image.fromarray(grid, mode="F").resize((w, h), Image.BICUBIC)
        out += amp * np.asarray(layer, dtype=np.float32)
        total += amp
        amp *= 0.5
        cell /= 2.0
    return np.clip(out / total, 0, 1)


def mask(size, draw_fn, blur=0.0):
    """A float mask (0..1) of size (w, h) drawn with ImageDraw by draw_fn(draw)."""
    m = Image.new("L", size, 0)
    draw_fn(ImageDraw.Draw(m))
    if blur > 0:
        m = m.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(m, dtype=np.float32) / 255.0


def blur(arr, radius):
    """Gaussian blur of a float array (h, w) or (h, w, 3) in 0..1."""
    if arr.ndim == 2:
        img = Image.fromarray(np.clip(arr * 255, 0, 255).astype(np.uint8), "L")
        return np.asarray(img.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255.0
    return np.stack([blur(arr[..., c], radius) for c in range(arr.shape[-1])], axis=-1)


def paint(canvas, colour, alpha, strength=1.0):
    """Paint a colour (or an (h, w, 3) array) over the canvas through alpha (h, w)."""
    c = rgb(colour) if isinstance(colour, str) else colour
    a = alpha[..., None] * strength
    canvas *= 1 - a
    canvas += c * a
    return canvas


def glow(h, w, cx, cy, radius, power=2.0):
    """A soft radial falloff: 1 at (cx, cy), 0 at radius and beyond."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) / radius
    return np.clip(1 - d, 0, 1) ** power


def bezier(points, steps=40):
    """Points along a chain of cubic Bézier segments: p0, c1, c2, p1, c1, c2, p2, …"""
    pts = [np.array(p, dtype=np.float64) for p in points]
    out = []
    for i in range(0, len(pts) - 3, 3):
        p0, c1, c2, p1 = pts[i : i + 4]
        for t in np.linspace(0, 1, steps, endpoint=(i + 4 >= len(pts))):
            q = (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * c1 + 3 * (1 - t) * t**2 * c2 + t**3 * p1
            out.append((float(q[0]), float(q[1])))
    return out


def grain(canvas, rng, amount=0.012):
    """Fine film grain, so that smooth gradients do not band."""
    h, w, _ = canvas.shape
    canvas += (rng.standard_normal((h, w, 1)).astype(np.float32)) * amount
    return canvas


def to_image(canvas):
    return Image.fromarray(np.clip(canvas * 255 + 0.5, 0, 255).astype(np.uint8), "RGB")


def save_jpeg(img, path):
    img.save(path, "JPEG", quality=82, progressive=True, optimize=True, subsampling="4:2:0")
