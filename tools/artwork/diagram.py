"""The IT master plan's roadmap as a timeline: a PNG with a transparent background, so it sits on
the page in light and dark mode alike (every part is drawn on its own opaque card; the shadows
are soft alpha)."""

from PIL import Image, ImageDraw, ImageFilter, ImageFont

W, H = 1600, 668
S = 2  # drawn at twice the size, then reduced: smooth edges

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu/"]

NAVY = (19, 35, 63)
INK = (27, 42, 74)
GOLD = (255, 201, 77)
LINE = (74, 135, 184)
WHITE = (255, 255, 255)
MUTED = (75, 88, 105)

COLUMNS = [
    ("2026 · Q3", [("backup-offsite", "Encrypted off-site backups for all shared data", "Budget $4,000")]),
    (
        "2026 · Q4",
        [
            ("laptop-refresh", "Replace laptops older than four years", "Budget $28,000"),
            ("service-desk", "Ticketing system with fair request distribution", "Budget $6,000"),
        ],
    ),
    ("2027 · Q1", [("network-segmentation", "Separate guest, staff and confidential networks", "Budget $9,000 · after service-desk")]),
]


def font(name, size):
    for d in FONT_DIRS:
        try:
            return ImageFont.truetype(d + name, size * S)
        except OSError:
            continue
    raise SystemExit(f"font {name} not found: install fonts-dejavu-core")


def wrap(draw, text, f, width):
    lines, line = [], ""
    for word in text.split():
        trial = (line + " " + word).strip()
        if draw.textlength(trial, font=f) <= width * S:
            line = trial
        else:
            lines.append(line)
            line = word
    return lines + [line]


def build():
    shadow = Image.new("RGBA", (W * S, H * S), (0, 0, 0, 0))
    sd = ImageDraw.Draw(shadow)
    art = Image.new("RGBA", (W * S, H * S), (0, 0, 0, 0))
    d = ImageDraw.Draw(art)

    def box(x0, y0, x1, y1, r, fill, outline=None):
        sd.rounded_rectangle([x0 * S, (y0 + 10) * S, x1 * S, (y1 + 14) * S], radius=r * S, fill=(15, 27, 45, 70))
        d.rounded_rectangle([x0 * S, y0 * S, x1 * S, y1 * S], radius=r * S, fill=fill, outline=outline, width=2 * S if outline else 0)

    title_f, label_f, body_f, small_f = font("DejaVuSans-Bold.ttf", 30), font("DejaVuSans-Bold.ttf", 24), font("DejaVuSans-Bold.ttf", 27), font("DejaVuSansMono.ttf", 19)
    col_w, gap, left = 480, 35, 40
    axis_y = 150
    # The title pill.
    box(left, 20, left + 560, 86, 33, NAVY)
    d.text(((left + 34) * S, 53 * S), "IT master plan 2026–2028", font=title_f, fill=WHITE, anchor="lm")
    # The timeline.
    d.rounded_rectangle([left * S, (axis_y - 4) * S, (W - left) * S, (axis_y + 4) * S], radius=4 * S, fill=LINE)
    d.polygon([((W - left + 6) * S, axis_y * S), ((W - left - 18) * S, (axis_y - 16) * S), ((W - left - 18) * S, (axis_y + 16) * S)], fill=LINE)
    for i, (quarter, items) in enumerate(COLUMNS):
        x0 = left + i * (col_w + gap)
        cx = x0 + 40
        d.ellipse([(cx - 22) * S, (axis_y - 22) * S, (cx + 22) * S, (axis_y + 22) * S], fill=GOLD, outline=NAVY, width=5 * S)
        box(cx + 40, axis_y - 28, cx + 40 + 200, axis_y + 28, 28, NAVY)
        d.text(((cx + 140) * S, axis_y * S), quarter, font=label_f, fill=WHITE, anchor="mm")
        y = axis_y + 70
        for ident, text, priority in items:
            lines = wrap(d, text, body_f, col_w - 90)
            hgt = 62 + len(lines) * 38 + 50
            box(x0, y, x0 + col_w, y + hgt, 22, WHITE, outline=(217, 225, 233))
            d.rounded_rectangle([x0 * S, y * S, (x0 + 14) * S, (y + hgt) * S], radius=7 * S, fill=GOLD)
            d.rectangle([(x0 + 7) * S, y * S, (x0 + 14) * S, (y + hgt) * S], fill=GOLD)
            d.text(((x0 + 42) * S, (y + 36) * S), ident, font=small_f, fill=MUTED, anchor="lm")
            for k, ln in enumerate(lines):
                d.text(((x0 + 42) * S, (y + 78 + k * 38) * S), ln, font=body_f, fill=INK, anchor="lm")
            py = y + 78 + len(lines) * 38 + 8
            pw = d.textlength(priority, font=small_f) / S + 28
            d.rounded_rectangle([(x0 + 42) * S, (py - 17) * S, (x0 + 42 + pw) * S, (py + 17) * S], radius=17 * S, fill=(234, 242, 248))
            d.text(((x0 + 56) * S, py * S), priority, font=small_f, fill=INK, anchor="lm")
            y += hgt + 28
    shadow = shadow.filter(ImageFilter.GaussianBlur(14 * S))
    out = Image.alpha_composite(shadow, art)
    return out.resize((W, H), Image.LANCZOS)
