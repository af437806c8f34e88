"""Illustrated head-and-shoulders portraits of the team, 1200×1200 (drawn at twice the size)."""

import numpy as np
from PIL import Image

from common import bezier, glow, grain, mask, mix, paint, rgb, to_image, value_noise

SIZE = 1200
S = 2  # supersampling
N = SIZE * S


def sc(points):
    return [(x * S, y * S) for x, y in points]


class Sheet:
    def __init__(self, rng):
        self.rng = rng
        self.c = np.zeros((N, N, 3), dtype=np.float32)
        ys, xs = np.mgrid[0:N, 0:N].astype(np.float32)
        self.xs, self.ys = xs / S, ys / S
        self.dy = 0  # the head and hair are drawn lower than their coordinates say

    def sc(self, points):
        return [(x * S, (y + self.dy) * S) for x, y in points]

    def poly(self, points, blur=1.0):
        return mask((N, N), lambda d: d.polygon(self.sc(points), fill=255), blur * S)

    def ellipse(self, cx, cy, rx, ry, blur=1.0):
        return mask((N, N), lambda d: d.ellipse([(cx - rx) * S, (cy - ry + self.dy) * S, (cx + rx) * S, (cy + ry + self.dy) * S], fill=255), blur * S)

    def line(self, points, width, blur=0.8):
        return mask((N, N), lambda d: d.line(self.sc(points), fill=255, width=int(width * S), joint="curve"), blur * S)

    def fill(self, colour, m, alpha=1.0):
        paint(self.c, colour, m * alpha)

    def shaded(self, base, shadow, m, light_x=430, dark_x=820, extra=None):
        """Fill with a colour lit from the upper left: base on the lit side, shadow on the far side."""
        t = np.clip((self.xs - light_x) / (dark_x - light_x), 0, 1) ** 1.4
        if extra is not None:
            t = np.clip(t + extra, 0, 1)
        self.fill(mix(base, shadow, t), m)

    def image(self):
        grain(self.c, self.rng, 0.008)
        return to_image(self.c).resize((SIZE, SIZE), Image.LANCZOS)


HEAD = [
    (600, 285), (712, 285), (792, 380), (792, 510),
    (792, 640), (702, 758), (600, 762),
    (498, 758), (408, 640), (408, 510),
    (408, 380), (488, 285), (600, 285),
]  # fmt: skip

TORSO = [
    (-40, 1230), (0, 1040), (160, 945), (360, 922),
    (450, 902), (510, 888), (600, 888),
    (690, 888), (750, 902), (840, 922),
    (1040, 945), (1200, 1040), (1240, 1230),
]  # fmt: skip


def background(sh, top, bottom, halo):
    t = np.clip(sh.ys / SIZE, 0, 1)
    sh.c[:] = mix(top, bottom, t)
    sh.c += rgb(halo) * glow(N, N, 600 * S, 470 * S, 560 * S, 1.6)[..., None] * 0.35
    # A few soft lantern lights in the background, out of focus.
    for _ in range(5):
        x, y = sh.rng.uniform(60, 1140), sh.rng.uniform(60, 620)
        if abs(x - 600) < 330:
            continue
        sh.fill(halo, sh.ellipse(x, y, 26, 26, blur=10), 0.25)


def body(sh, p):
    torso = sh.poly(bezier(TORSO), blur=1.0)
    neck = sh.poly([(530, 640), (670, 640), (684, 900), (516, 900)], blur=1.0)
    sh.shaded(p["skin"], p["skin_shadow"], neck, extra=0.35)
    # Shadow under the chin.
    sh.fill(p["skin_shadow"], sh.ellipse(600, 775, 120, 70, blur=22) * neck, 0.85)
    sh.shaded(p["top"], mix(p["top"], "#000000", 0.35), torso, light_x=250, dark_x=1100)
    p["clothes"](sh, p, torso)


def face(sh, p):
    head = sh.poly(bezier(HEAD), blur=1.0)
    for ex in (404, 796):
        sh.shaded(p["skin"], p["skin_shadow"], sh.ellipse(ex, 545, 30, 52, blur=1.0), extra=0.25 if ex < 600 else 0.0)
    sh.shaded(p["skin"], p["skin_shadow"], head, light_x=470, dark_x=860)
    # Soft modelling: cheeks, brow, a darker jaw line.
    sh.fill(p["blush"], sh.ellipse(505, 625, 55, 36, blur=26) * head, 0.22)
    sh.fill(p["blush"], sh.ellipse(695, 625, 55, 36, blur=26) * head, 0.22)
    sh.fill(p["skin_shadow"], sh.ellipse(600, 820, 210, 110, blur=30) * head, 0.35)
    sh.fill("#ffffff", sh.ellipse(520, 430, 90, 60, blur=40) * head, 0.10)
    brow = p["brow"]
    sh.fill(brow, sh.line(bezier([(478, 487), (500, 470), (545, 466), (572, 478)]), 13))
    sh.fill(brow, sh.line(bezier([(628, 478), (655, 466), (700, 470), (722, 487)]), 13))
    for ex in (527, 673):
        sh.fill("#1b1a22", sh.ellipse(ex, 537, 15, 18, blur=0.6))
        sh.fill("#ffffff", sh.ellipse(ex - 5, 530, 4.5, 4.5, blur=0.5), 0.9)
        sh.fill(p["skin_shadow"], sh.line(bezier([(ex - 26, 522), (ex - 12, 510), (ex + 12, 510), (ex + 26, 522)]), 5), 0.7)
    sh.fill(p["skin_shadow"], sh.line(bezier([(606, 548), (614, 580), (622, 604), (600, 616)]), 8, blur=1.5), 0.9)
    sh.fill(p["skin_shadow"], sh.ellipse(612, 612, 26, 12, blur=8) * head, 0.35)
    return head


def mouth(sh, p):
    m = bezier([(552, 668), (578, 700), (622, 700), (648, 668)])
    sh.fill(p["lip"], sh.poly(m + bezier([(648, 668), (620, 676), (580, 676), (552, 668)]), blur=1.0))
    sh.fill("#f6efe8", sh.poly(bezier([(562, 674), (585, 688), (615, 688), (638, 674)]) + [(600, 672)], blur=0.8), 0.9)
    sh.fill(mix(p["lip"], "#000000", 0.35), sh.line(m, 4.5), 0.9)


# Hair and clothing, person by person.


def maya_hair_back(sh, p):
    pts = []
    rng = np.random.default_rng(3)
    bumps = rng.random(90)
    for i, a in enumerate(np.linspace(0, 2 * np.pi, 90, endpoint=False)):
        r = 1 + 0.035 * bumps[i]
        pts.append((600 + 305 * r * np.cos(a), 440 + 285 * r * np.sin(a)))
    m = sh.poly(pts, blur=3)
    sh.shaded(p["hair"], mix(p["hair"], "#000000", 0.5), m, light_x=350, dark_x=950)
    tex = value_noise(N, N, 8 * S, sh.rng, octaves=2)
    curls = np.clip((tex - 0.5) * 4, 0, 1)
    sh.fill(mix(p["hair"], "#ffffff", 0.14), m * curls, 0.3)
    sh.fill(mix(p["hair"], "#ffffff", 0.25), m * sh.ellipse(470, 260, 120, 70, blur=50), 0.5)


def maya_hair_front(sh, p, head):
    line = bezier([(398, 520), (395, 330), (560, 300), (640, 318), (720, 330), (800, 380), (802, 520)])
    top = sh.poly(line + [(820, 200), (380, 200)], blur=2)
    sh.shaded(p["hair"], mix(p["hair"], "#000000", 0.5), top * head, light_x=350, dark_x=950)
    for ex, side in ((400, -1), (800, 1)):
        ring = sh.line(bezier([(ex, 600), (ex + side * 30, 610), (ex + side * 34, 660), (ex, 672), (ex - side * 30, 662), (ex - side * 20, 612), (ex, 600)]), 7)
        sh.fill("#ffc94d", ring)


def maya_clothes(sh, p, torso):
    # The torso is her navy jacket; a gold top shows in the V between the lapels.
    blouse = sh.poly([(470, 880), (730, 880), (680, 1230), (520, 1230)], blur=1.0)
    sh.shaded("#e9a93a", "#b97a1c", blouse * torso, light_x=450, dark_x=800)
    neckline = sh.poly(bezier([(520, 895), (550, 970), (650, 970), (680, 895)]), blur=1.0)
    sh.shaded(p["skin"], p["skin_shadow"], neckline * torso, extra=0.2)
    for side in (-1, 1):
        lapel = [(600 + side * 125, 890), (600 + side * 60, 1230), (600 + side * 150, 1230), (600 + side * 215, 1060), (600 + side * 175, 905)]
        sh.shaded("#24497a", "#132a4a", sh.poly(lapel) * torso, light_x=250, dark_x=1100)


def daniel_hair_back(sh, p):
    pass


def daniel_hair_front(sh, p, head):
    top = sh.poly(
        bezier([(404, 540), (392, 300), (520, 238), (620, 244), (740, 250), (815, 330), (797, 540)])
        + bezier([(797, 540), (790, 470), (782, 400), (740, 352), (660, 330), (560, 340), (500, 345), (440, 380), (420, 450), (410, 540)]),
        blur=1.5,
    )
    sh.shaded(p["hair"], mix(p["hair"], "#000000", 0.45), top, light_x=350, dark_x=900)
    sh.fill(mix(p["hair"], "#ffffff", 0.18), sh.line(bezier([(470, 300), (530, 268), (600, 262), (660, 270)]), 10, blur=6), 0.5)
    sh.fill(mix(p["hair"], "#000000", 0.3), sh.line(bezier([(520, 345), (540, 300), (570, 270), (610, 258)]), 5, blur=2), 0.6)
    beard = sh.poly(
        bezier([(414, 560), (430, 720), (520, 800), (600, 802), (680, 800), (770, 720), (786, 560)])
        + bezier([(786, 560), (760, 640), (720, 700), (660, 712), (630, 716), (570, 716), (540, 712), (480, 700), (440, 640), (414, 560)]),
        blur=2,
    )
    tache = sh.poly(bezier([(545, 668), (560, 642), (640, 642), (655, 668)]) + bezier([(655, 668), (630, 660), (570, 660), (545, 668)]), blur=2)
    for m in (beard * head, tache):
        sh.shaded(p["hair"], mix(p["hair"], "#000000", 0.45), m, light_x=400, dark_x=900)
    tex = value_noise(N, N, 5 * S, sh.rng, octaves=2)
    sh.fill(mix(p["hair"], "#ffffff", 0.15), beard * head * np.clip((tex - 0.55) * 4, 0, 1), 0.35)


def daniel_clothes(sh, p, torso):
    shirt = sh.poly([(490, 890), (710, 890), (660, 1230), (540, 1230)], blur=1.0)
    sh.shaded("#dbe8f5", "#a8bdd6", shirt * torso, light_x=450, dark_x=800)
    for side in (-1, 1):
        collar = [(600 + side * 2, 985), (600 + side * 105, 870), (600 + side * 130, 905), (600 + side * 70, 1000)]
        sh.fill("#eef4fa" if side < 0 else "#c8d6ea", sh.poly(collar))
        lapel = [(600 + side * 135, 900), (600 + side * 60, 1230), (600 + side * 520, 1230), (600 + side * 400, 930)]
        sh.shaded("#1b2a4a", "#0d1628", sh.poly(lapel) * torso, light_x=250, dark_x=1100)
        sh.fill("#2b3e66", sh.line([(600 + side * 135, 900), (600 + side * 200, 1080), (600 + side * 120, 1230)], 6), 0.7)
    sh.fill("#ffc94d", sh.poly([(340, 1080), (400, 1070), (404, 1086), (344, 1096)]), 0.95)  # a pocket square


def priya_hair_back(sh, p):
    back = sh.poly(
        bezier([(600, 245), (430, 245), (350, 380), (355, 560), (360, 720), (320, 860), (300, 990), (330, 1040), (420, 1060), (480, 1000)])
        + [(720, 1000)]
        + bezier([(720, 1000), (780, 1060), (870, 1040), (900, 990), (880, 860), (840, 720), (845, 560), (850, 380), (770, 245), (600, 245)]),
        blur=2,
    )
    sh.shaded(p["hair"], mix(p["hair"], "#000000", 0.5), back, light_x=300, dark_x=950)


def priya_hair_front(sh, p, head):
    # Parted on the left; the fringe sweeps across to the right.
    fringe = sh.poly(
        bezier([(505, 262), (440, 280), (398, 360), (398, 520)])
        + bezier([(398, 520), (420, 420), (470, 360), (530, 320), (600, 370), (700, 380), (800, 470)])
        + bezier([(800, 470), (805, 340), (720, 250), (600, 248), (560, 246), (530, 250), (505, 262)]),
        blur=1.5,
    )
    sh.shaded(p["hair"], mix(p["hair"], "#000000", 0.5), fringe, light_x=300, dark_x=950)
    for side in (-1, 1):
        x0 = 600 + side * 200
        strand = sh.poly(
            bezier([(x0, 470), (x0 + side * 10, 620), (x0 - side * 5, 760), (x0 + side * 40, 940)])
            + bezier([(x0 + side * 40, 940), (x0 + side * 80, 900), (x0 + side * 60, 700), (x0 + side * 55, 470)]),
            blur=1.5,
        )
        sh.shaded(p["hair"], mix(p["hair"], "#000000", 0.5), strand, light_x=300, dark_x=950)
    sh.fill(mix(p["hair"], "#ffffff", 0.22), sh.line(bezier([(560, 275), (650, 265), (730, 300), (775, 380)]), 12, blur=7), 0.5)
    sh.fill(mix(p["hair"], "#ffffff", 0.15), sh.line(bezier([(405, 520), (420, 650), (410, 780), (430, 900)]), 8, blur=6), 0.4)
    sh.fill("#ffc94d", sh.ellipse(403, 640, 9, 9, blur=1), 0.95)


def priya_clothes(sh, p, torso):
    neckline = sh.poly(bezier([(470, 895), (510, 1000), (690, 1000), (730, 895)]), blur=1.0)
    sh.shaded(p["skin"], p["skin_shadow"], neckline * torso, extra=0.2)
    sh.fill("#ffc94d", sh.line(bezier([(500, 900), (530, 975), (670, 975), (700, 900)]), 4), 0.95)
    sh.fill("#ffc94d", sh.ellipse(600, 978, 9, 9, blur=1))


def tomas_hair_back(sh, p):
    pass


def tomas_hair_front(sh, p, head):
    top = sh.poly(bezier([(400, 520), (385, 330), (470, 240), (600, 232), (700, 220), (815, 280), (800, 520)]) + bezier([(800, 520), (790, 420), (760, 350), (650, 360), (560, 330), (470, 380), (400, 520)]), blur=1.5)
    sh.shaded(p["hair"], mix(p["hair"], "#3a1a08", 0.5), top, light_x=350, dark_x=900)
    sh.fill(mix(p["hair"], "#ffffff", 0.25), sh.line(bezier([(480, 300), (540, 262), (620, 252), (700, 262)]), 12, blur=6), 0.55)
    stubble = sh.poly(bezier([(420, 610), (450, 730), (530, 790), (600, 792), (670, 790), (750, 730), (780, 610)]) + bezier([(780, 610), (700, 700), (600, 700), (420, 610)]), blur=12)
    sh.fill(p["hair"], stubble * head, 0.18)
    frame = "#1b2a4a"
    for ex in (527, 673):
        sh.fill(frame, sh.line([(ex - 58, 508), (ex + 58, 508), (ex + 54, 570), (ex - 54, 570), (ex - 58, 508)], 8))
        sh.fill("#ffffff", sh.poly([(ex - 40, 516), (ex - 20, 516), (ex - 44, 560)], blur=3), 0.12)
    sh.fill(frame, sh.line(bezier([(585, 520), (592, 508), (608, 508), (615, 520)]), 7))
    sh.fill(frame, sh.line([(469, 515), (412, 505)], 7))
    sh.fill(frame, sh.line([(731, 515), (788, 505)], 7))


def tomas_clothes(sh, p, torso):
    tee = sh.poly(bezier([(505, 892), (540, 950), (660, 950), (695, 892)]), blur=1.0)
    sh.fill("#f2f5f8", tee * torso)
    rib = sh.line(bezier([(470, 890), (520, 985), (680, 985), (730, 890)]), 26)
    sh.shaded(mix(p["top"], "#ffffff", 0.1), mix(p["top"], "#000000", 0.4), rib * torso, light_x=250, dark_x=1100)
    tex = value_noise(N, N, 9 * S, sh.rng, octaves=1, stretch=(2.5, 0.4))
    sh.fill(mix(p["top"], "#000000", 0.3), torso * (tex > 0.55) * (1 - rib), 0.25)


PEOPLE = {
    "maya-okafor": {
        "bg": ("#eaf2f8", "#b9cde6"), "halo": "#ffffff",
        "skin": "#7a4a2f", "skin_shadow": "#4f2d1b", "blush": "#b0564a", "lip": "#6b2d2a",
        "hair": "#1d1512", "brow": "#140e0c", "top": "#1b3a60",
        "back": maya_hair_back, "front": maya_hair_front, "clothes": maya_clothes,
    },
    "daniel-reyes": {
        "bg": ("#ffe3a1", "#f1b84a"), "halo": "#fff4d6",
        "skin": "#c98f66", "skin_shadow": "#93603f", "blush": "#d0745c", "lip": "#8a3f38",
        "hair": "#2a1e18", "brow": "#22170f", "top": "#1b2a4a",
        "back": daniel_hair_back, "front": daniel_hair_front, "clothes": daniel_clothes,
    },
    "priya-nair": {
        "bg": ("#1d6a94", "#0b3a5c"), "halo": "#ffd36b",
        "skin": "#a8714c", "skin_shadow": "#734629", "blush": "#c2614e", "lip": "#7c2e33",
        "hair": "#16100e", "brow": "#120c0a", "top": "#c25b3c",
        "back": priya_hair_back, "front": priya_hair_front, "clothes": priya_clothes,
    },
    "tomas-lindqvist": {
        "bg": ("#1b3a60", "#0f2138"), "halo": "#8fb8e0",
        "skin": "#f0c6a8", "skin_shadow": "#c28d70", "blush": "#e58f80", "lip": "#b0615a",
        "hair": "#b8743a", "brow": "#8a5428", "top": "#2f6b57",
        "back": tomas_hair_back, "front": tomas_hair_front, "clothes": tomas_clothes,
    },
}  # fmt: skip


def build(slug, rng):
    p = PEOPLE[slug]
    sh = Sheet(rng)
    background(sh, p["bg"][0], p["bg"][1], p["halo"])
    sh.dy = 40
    p["back"](sh, p)
    sh.dy = 0
    body(sh, p)
    sh.dy = 40
    head = face(sh, p)
    p["front"](sh, p, head)
    mouth(sh, p)
    return sh.image()
