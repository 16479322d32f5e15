#!/usr/bin/env python3
"""make_charts.py: writes the plan builder's body charts (face, neck, arm, leg) as SVG.

Each injectable structure of the atlas (data/muscles.json) that a picture can show is a region
with data-muscle (the atlas id) and data-side, focusable and labelled; paired structures are
drawn on the patient's right and mirrored. Front views show the patient's right on the viewer's
left; back views the patient's left. Run it after changing a shape: python3 make_charts.py
(the SVG files are committed; the build embeds them). Shapes are schematic, placed from
standard anatomy atlases' surface landmarks, not measured.
"""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SKIN, LINE, FEATURE = "#f6efe7", "#8c7b6b", "#a8978a"
REGION_FILL, REGION_LINE = "#d9534f", "#a33a36"


def fmt(v):
    return ("%.1f" % v).rstrip("0").rstrip(".")


class Shape:
    """A region outline as points (closed polygon) or an ellipse/ring."""

    def __init__(self, kind, **kw):
        self.kind, self.kw = kind, kw

    def mirrored(self, cx):
        kw = dict(self.kw)
        if self.kind in ("ellipse", "ring"):
            kw["cx"] = 2 * cx - kw["cx"]
            kw["rot"] = -kw.get("rot", 0)
        else:
            kw["pts"] = [(2 * cx - x, y) for x, y in kw["pts"]]
        return Shape(self.kind, **kw)

    def centre(self):
        if self.kind in ("ellipse", "ring"):
            return self.kw["cx"], self.kw["cy"]
        pts = self.kw["pts"]
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)

    def path(self):
        if self.kind in ("ellipse", "ring"):
            d = ellipse_path(self.kw["cx"], self.kw["cy"], self.kw["rx"], self.kw["ry"],
                             self.kw.get("rot", 0))
            if self.kind == "ring":
                d += " " + ellipse_path(self.kw["cx"], self.kw["cy"], self.kw["irx"],
                                        self.kw["iry"], self.kw.get("rot", 0))
            return d
        pts = self.kw["pts"]
        return "M" + " L".join(fmt(x) + " " + fmt(y) for x, y in pts) + " Z"


def ellipse_path(cx, cy, rx, ry, rot):
    pts = []
    for i in range(36):
        t = 2 * math.pi * i / 36
        x, y = rx * math.cos(t), ry * math.sin(t)
        a = math.radians(rot)
        pts.append((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)))
    return "M" + " L".join(fmt(x) + " " + fmt(y) for x, y in pts) + " Z"


def ellipse(cx, cy, rx, ry, rot=0):
    return Shape("ellipse", cx=cx, cy=cy, rx=rx, ry=ry, rot=rot)


def ring(cx, cy, rx, ry, irx, iry, rot=0):
    return Shape("ring", cx=cx, cy=cy, rx=rx, ry=ry, irx=irx, iry=iry, rot=rot)


def poly(*pts):
    return Shape("poly", pts=list(pts))


def band(x1, y1, x2, y2, w1, w2=None):
    """A tapered strip from (x1, y1) to (x2, y2), w1 wide at the start and w2 at the end."""
    w2 = w1 if w2 is None else w2
    dx, dy = x2 - x1, y2 - y1
    n = math.hypot(dx, dy)
    ux, uy = -dy / n, dx / n
    pts = []
    for k in range(9):  # rounded ends: a spindle, as a muscle belly looks
        t = k / 8
        w = (w1 + (w2 - w1) * t) / 2 * (0.55 + 0.45 * math.sin(math.pi * t))
        pts.append((x1 + dx * t + ux * w, y1 + dy * t + uy * w))
    for k in range(8, -1, -1):
        t = k / 8
        w = (w1 + (w2 - w1) * t) / 2 * (0.55 + 0.45 * math.sin(math.pi * t))
        pts.append((x1 + dx * t - ux * w, y1 + dy * t - uy * w))
    return Shape("poly", pts=pts)


def load_atlas():
    with open(os.path.join(HERE, "..", "..", "data", "muscles.json"), encoding="utf-8") as f:
        return {m["id"]: m for m in json.load(f)["muscles"]}


class Chart:
    def __init__(self, name, title, width, height):
        self.name, self.title, self.w, self.h = name, title, width, height
        self.drawing, self.regions, self.labels, self.notes = [], [], [], []

    def draw(self, d, fill=SKIN, stroke=LINE, width=1.6, extra=""):
        self.drawing.append('<path d="%s" fill="%s" stroke="%s" stroke-width="%s"%s/>' %
                            (d, fill, stroke, width, extra))

    def line(self, d, width=1.4):
        self.draw(d, fill="none", stroke=FEATURE, width=width,
                  extra=' stroke-linecap="round" stroke-linejoin="round"')

    def text(self, x, y, s, anchor="middle", size=13, weight="normal", fill="#5b4f45"):
        self.notes.append('<text x="%s" y="%s" text-anchor="%s" font-size="%s" font-weight="%s" '
                          'fill="%s">%s</text>' % (fmt(x), fmt(y), anchor, size, weight, fill, s))

    def region(self, atlas, mid, shape, view_cx, view, label_side=None, label=None, deep=False,
               both=True):
        """A structure; paired ones are mirrored around view_cx. label_side "l"/"r" picks the
        copy (on that side of the picture) that carries the label."""
        m = atlas[mid]
        sided = m["sided"]
        near = "right" if view == "front" else "left"  # the patient's side on the viewer's left
        far = "left" if near == "right" else "right"
        copies = [(shape, near if sided else "")]
        if sided and both:
            copies.append((shape.mirrored(view_cx), far))
        name = label or m["names"]["en"][0]
        for sh, side in copies:
            self.regions.append((mid, side, sh, name, deep))
        if label_side:
            pick = copies[0] if (label_side == "l" or len(copies) == 1) else copies[1]
            if label_side == "r" and len(copies) == 2:
                pick = copies[1]
            self.labels.append((label_side, name + (" (deep)" if deep else ""), pick[0].centre()))

    def layout_labels(self, side, x_text, top, bottom, gap=17):
        items = sorted([l for l in self.labels if l[0] == side], key=lambda l: l[2][1])
        ys = []
        for _, _, (ax, ay) in items:
            y = max(ay, ys[-1] + gap if ys else top)
            ys.append(y)
        overflow = (ys[-1] - bottom) if ys else 0
        if overflow > 0:  # push up from the bottom, keeping the gaps
            for i in range(len(ys) - 1, -1, -1):
                limit = bottom if i == len(ys) - 1 else ys[i + 1] - gap
                ys[i] = min(ys[i], limit)
        out = []
        for (s, name, (ax, ay)), y in zip(items, ys):
            anchor = "end" if side == "l" else "start"
            lx = x_text + (6 if side == "l" else -6)
            out.append('<path d="M%s %s L%s %s L%s %s" fill="none" stroke="#6f625a" '
                       'stroke-width="0.9"/>' % (fmt(lx), fmt(y - 4), fmt(lx + (10 if side == "l" else -10)),
                                                 fmt(y - 4), fmt(ax), fmt(ay)))
            out.append('<circle cx="%s" cy="%s" r="2" fill="#6f625a"/>' % (fmt(ax), fmt(ay)))
            out.append('<text x="%s" y="%s" text-anchor="%s" font-size="12.5" fill="#2f2925">%s'
                       '</text>' % (fmt(x_text), fmt(y), anchor, name))
        return out

    def write(self, left_x, right_x, top, bottom, shift=0):
        parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" class="body-chart" '
                 'data-chart="%s" role="group" aria-label="%s" font-family="Noto Sans, DejaVu Sans, '
                 'sans-serif">' % (self.w, self.h, self.name, self.title)]
        parts.append('<rect width="%d" height="%d" fill="#ffffff"/>' % (self.w, self.h))
        parts.append('<g transform="translate(%d 0)">' % shift)
        parts.append('<g class="body" aria-hidden="true" pointer-events="none">')
        parts += self.drawing
        parts.append('</g>')
        parts.append('<g class="regions">')
        for mid, side, sh, name, deep in self.regions:
            where = name + (", " + side if side else "") + (" (deep)" if deep else "")
            parts.append('<path class="m%s" data-muscle="%s" data-side="%s" tabindex="0" '
                         'role="button" aria-label="%s" d="%s" fill="%s" fill-opacity="0.2" '
                         'stroke="%s" stroke-width="1.2"%s fill-rule="evenodd"><title>%s</title>'
                         '</path>' % (" deep" if deep else "", mid, side, where, sh.path(), REGION_FILL,
                                      REGION_LINE, ' stroke-dasharray="4 3"' if deep else "", where))
        parts.append('</g>')
        parts.append('<g class="labels" aria-hidden="true" pointer-events="none">')
        parts += self.layout_labels("l", left_x, top, bottom)
        parts += self.layout_labels("r", right_x, top, bottom)
        parts += self.notes
        parts.append('</g>')
        parts.append('</g>')
        parts.append('<g class="points" pointer-events="none"></g>')
        parts.append('</svg>')
        with open(os.path.join(HERE, self.name + ".svg"), "w", encoding="utf-8") as f:
            f.write("\n".join(parts) + "\n")
        return self.regions


def face(atlas):
    c = Chart("face", "Face, front view", 900, 660)
    cx = 450
    # head, ears, neck
    c.draw("M450 62 C548 62 606 132 606 250 C606 330 592 392 566 440 C540 490 498 526 450 530 "
           "C402 526 360 490 334 440 C308 392 294 330 294 250 C294 132 352 62 450 62 Z")
    for s in (1, -1):
        x = lambda v: cx + s * v
        c.draw("M%s 228 C%s 214 %s 226 %s 258 C%s 292 %s 318 %s 318 Z" %
               (fmt(x(-152)), fmt(x(-176)), fmt(x(-182)), fmt(x(-178)), fmt(x(-174)),
                fmt(x(-164)), fmt(x(-150))))
    c.draw("M392 508 L384 660 L516 660 L508 508 C490 524 470 530 450 530 C430 530 410 524 392 508 Z")
    c.line("M340 130 C380 100 520 100 560 130", 1)  # hairline
    for s in (1, -1):
        x = lambda v: fmt(cx + s * v)
        c.line("M%s 212 C%s 198 %s 196 %s 204" % (x(-110), x(-84), x(-50), x(-22)), 3)  # brow
        c.line("M%s 248 C%s 236 %s 236 %s 248 C%s 258 %s 258 %s 248" %
               (x(-92), x(-74), x(-46), x(-30), x(-46), x(-74), x(-92)), 1.4)  # eye
        c.draw("M%s 247 m-6 0 a6 6 0 1 0 12 0 a6 6 0 1 0 -12 0" % x(-61), fill="#8c7b6b",
               stroke="none")
    c.line("M438 250 C436 290 424 316 420 330 C432 342 444 344 450 342 C456 344 468 342 480 330 "
           "C476 316 464 290 462 250", 1.4)  # nose
    c.line("M406 402 C424 392 440 394 450 398 C460 394 476 392 494 402 C476 416 424 416 406 402 Z",
           1.6)  # lips
    c.line("M406 402 L494 402", 1)
    c.text(190, 40, "patient's right", size=13, weight="bold")
    c.text(710, 40, "patient's left", size=13, weight="bold")
    F = "front"
    # upper face
    c.region(atlas, "frontalis", poly((330, 150), (360, 118), (400, 104), (440, 100), (440, 180),
                                      (400, 186), (352, 192), (330, 180)), cx, F, "l")
    c.region(atlas, "temporalis", poly((302, 168), (322, 150), (336, 178), (334, 236), (318, 262),
                                       (300, 250)), cx, F, "l")
    c.region(atlas, "corrugator_supercilii", ellipse(408, 202, 26, 7, -12), cx, F, "l",
             label="corrugator")
    c.region(atlas, "depressor_supercilii", ellipse(432, 222, 5, 9), cx, F, "r")
    c.region(atlas, "procerus", poly((440, 208), (460, 208), (458, 250), (442, 250)), cx, F, "r")
    c.region(atlas, "orbicularis_oculi", ring(389, 248, 56, 38, 34, 15), cx, F, "l")
    c.region(atlas, "nasalis", ellipse(434, 298, 7, 18, 12), cx, F, "r")
    c.region(atlas, "levator_labii_superioris_alaeque_nasi", band(426, 262, 418, 334, 8, 10), cx,
             F, "l", label="levator labii sup. alaeque nasi")
    c.region(atlas, "levator_labii_superioris", ellipse(396, 318, 9, 22), cx, F, "l",
             label="levator labii superioris")
    c.region(atlas, "zygomaticus_minor", band(368, 302, 404, 360, 11), cx, F, "l")
    c.region(atlas, "zygomaticus_major", band(346, 296, 402, 388, 14), cx, F, "l")
    c.region(atlas, "buccinator", ellipse(372, 372, 17, 13), cx, F, "r")
    c.region(atlas, "risorius", band(336, 398, 400, 404, 10), cx, F, "r")
    c.region(atlas, "masseter", poly((314, 330), (340, 336), (356, 392), (358, 440), (344, 456),
                                     (326, 430), (314, 380)), cx, F, "l")
    c.region(atlas, "parotid_gland", poly((300, 270), (314, 268), (314, 300), (310, 340), (302, 350),
                                          (298, 310)), cx, F, "l")
    c.region(atlas, "orbicularis_oris", ring(450, 404, 56, 27, 40, 10), cx, F, "r")
    c.region(atlas, "depressor_anguli_oris", poly((396, 414), (408, 418), (402, 470), (376, 466)),
             cx, F, "r")
    c.region(atlas, "depressor_labii_inferioris", poly((422, 436), (440, 436), (440, 470),
                                                       (418, 468)), cx, F, "r")
    c.region(atlas, "mentalis", ellipse(450, 486, 15, 16), cx, F, "r")
    c.region(atlas, "submandibular_gland", ellipse(384, 500, 20, 10, 20), cx, F, "l")
    c.region(atlas, "platysma", poly((396, 540), (424, 544), (418, 646), (392, 646)), cx, F, "r")
    return c.write(250, 650, 80, 650)


def neck(atlas):
    c = Chart("neck", "Neck and shoulders, back and front", 1160, 490)
    bx, fx = 330, 770
    # back view: head, neck, shoulders
    c.draw("M330 18 C392 18 424 70 424 122 C424 170 398 204 368 212 L372 262 C416 290 486 300 "
           "514 330 C524 344 526 380 522 420 L138 420 C134 380 136 344 146 330 C174 300 244 290 "
           "288 262 L292 212 C262 204 236 170 236 122 C236 70 268 18 330 18 Z")
    c.line("M330 262 L330 420", 1)
    for s in (1, -1):
        c.line("M%s 348 C%s 372 %s 400 %s 416" % (fmt(bx + s * 40), fmt(bx + s * 80),
                                                   fmt(bx + s * 110), fmt(bx + s * 118)), 1)
    c.text(bx, 452, "back", size=14, weight="bold")
    c.text(bx - 120, 470, "patient's left", size=12)
    c.text(bx + 120, 470, "patient's right", size=12)
    B = "back"
    c.region(atlas, "occipitalis", ellipse(300, 128, 22, 30, 10), bx, B, "l")
    c.region(atlas, "semispinalis_capitis", poly((312, 196), (326, 196), (326, 288), (314, 288)),
             bx, B, "l")
    c.region(atlas, "splenius_capitis", poly((290, 196), (306, 192), (312, 290), (300, 300)), bx, B,
             "l")
    c.region(atlas, "longissimus_capitis", band(286, 214, 294, 292, 7), bx, B, "l")
    c.region(atlas, "cervical_paraspinals", poly((318, 296), (342, 296), (342, 336), (318, 336)),
             bx, B, "l")
    c.region(atlas, "levator_scapulae", band(284, 226, 236, 318, 12, 16), bx, B, "l")
    c.region(atlas, "trapezius", poly((300, 300), (318, 342), (326, 410), (268, 390), (190, 352),
                                      (158, 338), (180, 316), (254, 296), (280, 268)), bx, B, "l")
    # front view: jaw, neck, collarbones, chest
    c.draw("M770 20 C822 20 850 60 850 100 C850 128 838 146 818 156 L822 242 C866 262 930 272 "
           "966 300 C978 320 982 360 978 420 L562 420 C558 360 562 320 574 300 C610 272 674 262 "
           "718 242 L722 156 C702 146 690 128 690 100 C690 60 718 20 770 20 Z")
    c.line("M740 150 C752 160 788 160 800 150", 1)  # chin line
    for s in (1, -1):
        c.line("M%s 266 C%s 262 %s 270 %s 280" % (fmt(fx + s * 12), fmt(fx + s * 60),
                                                   fmt(fx + s * 120), fmt(fx + s * 180)), 1.2)
    c.line("M762 196 C766 200 774 200 778 196", 1)  # larynx
    c.text(fx, 452, "front", size=14, weight="bold")
    c.text(fx - 120, 470, "patient's right", size=12)
    c.text(fx + 120, 470, "patient's left", size=12)
    F = "front"
    c.region(atlas, "digastric", band(758, 150, 734, 128, 7), fx, F, "r")
    c.region(atlas, "mylohyoid", poly((742, 150), (766, 158), (766, 172), (744, 166)), fx, F, "r")
    c.region(atlas, "sternocleidomastoid", band(724, 150, 758, 262, 16, 14), fx, F, "r")
    c.region(atlas, "sternohyoid", poly((758, 192), (767, 192), (767, 258), (760, 258)), fx, F, "r")
    c.region(atlas, "sternothyroid", poly((748, 206), (756, 206), (757, 258), (750, 258)), fx, F,
             "r")
    c.region(atlas, "scalenus_anterior", band(726, 196, 712, 262, 9), fx, F, "r")
    c.region(atlas, "scalenus_medius", band(716, 184, 690, 264, 9), fx, F, "r")
    c.region(atlas, "pectoralis_major", poly((756, 290), (700, 282), (640, 292), (604, 320),
                                             (640, 352), (700, 372), (756, 360)), fx, F, "r")
    return c.write(124, 1000, 40, 420)


def arm(atlas):
    c = Chart("arm", "Arms and hands, front view, palms forward", 1000, 720)
    cx = 450
    for s in (1, -1):  # both arms, palms forward
        x = lambda v: fmt(cx + s * v)
        c.draw("M{0} 40 C{1} 30 {2} 40 {3} 80 L{4} 290 C{5} 320 {6} 500 {7} 536 L{8} 540 "
               "C{9} 560 {10} 600 {11} 640 L{12} 700 L{13} 700 L{14} 640 L{15} 600 C{16} 580 {17} 556 "
               "{18} 536 L{19} 536 C{20} 500 {21} 330 {22} 300 L{23} 140 C{24} 110 {25} 60 {26} 40 Z"
               .format(x(-270), x(-230), x(-190), x(-172), x(-176), x(-172), x(-180), x(-184),
                       x(-184), x(-176), x(-172), x(-180), x(-196), x(-258), x(-262), x(-282),
                       x(-290), x(-276), x(-266), x(-266), x(-266), x(-268), x(-272), x(-284),
                       x(-290), x(-286), x(-270)))
        c.line("M%s 300 C%s 306 %s 306 %s 300" % (x(-262), x(-240), x(-200), x(-180)), 1)  # elbow
        c.line("M%s 536 L%s 536" % (x(-264), x(-186)), 1)  # wrist
        c.line("M%s 640 L%s 700 M%s 640 L%s 700 M%s 640 L%s 700" %
               (x(-236), x(-238), x(-216), x(-216), x(-198), x(-196)), 1)  # fingers
    c.text(190, 20, "patient's right", size=13, weight="bold")
    c.text(710, 20, "patient's left", size=13, weight="bold")
    F = "front"
    c.region(atlas, "deltoid", poly((166, 48), (200, 36), (232, 44), (224, 96), (200, 140),
                                    (178, 120)), cx, F, "l")
    c.region(atlas, "axilla", ellipse(262, 110, 11, 24, -8), cx, F, "r", label="axilla (skin)")
    c.region(atlas, "biceps_brachii", ellipse(212, 200, 20, 66, -3), cx, F, "l", label="biceps")
    c.region(atlas, "brachialis", band(184, 206, 192, 286, 12), cx, F, "l")
    c.region(atlas, "triceps_brachii", band(242, 150, 240, 270, 12), cx, F, "r", label="triceps")
    c.region(atlas, "pronator_teres", band(248, 314, 200, 382, 14, 10), cx, F, "l")
    c.region(atlas, "brachioradialis", band(184, 280, 184, 480, 14, 8), cx, F, "l")
    c.region(atlas, "flexor_carpi_radialis", band(236, 326, 204, 514, 12, 8), cx, F, "l",
             label="flexor carpi radialis")
    c.region(atlas, "flexor_digitorum_superficialis", band(226, 380, 222, 512, 14), cx, F, "r",
             label="flexor digitorum superficialis")
    c.region(atlas, "flexor_digitorum_profundus", band(248, 370, 240, 512, 10), cx, F, "r",
             label="flexor digitorum profundus", deep=True)
    c.region(atlas, "flexor_carpi_ulnaris", band(262, 318, 260, 520, 10, 8), cx, F, "r",
             label="flexor carpi ulnaris")
    c.region(atlas, "flexor_pollicis_longus", band(200, 420, 204, 512, 9), cx, F, "l",
             label="flexor pollicis longus", deep=True)
    c.region(atlas, "pronator_quadratus", poly((198, 516), (256, 516), (256, 530), (198, 530)), cx,
             F, "r", deep=True)
    c.region(atlas, "palm", poly((206, 546), (258, 546), (262, 604), (214, 610), (208, 590)), cx, F,
             "r", label="palm (skin)")
    c.region(atlas, "opponens_pollicis", band(190, 556, 178, 596, 10), cx, F, "l")
    c.region(atlas, "flexor_pollicis_brevis", band(200, 560, 192, 606, 9), cx, F, "l")
    c.region(atlas, "adductor_pollicis", band(214, 596, 190, 618, 9), cx, F, "l")
    c.region(atlas, "lumbricals", poly((216, 612), (258, 606), (260, 622), (218, 630)), cx, F, "r")
    c.region(atlas, "interossei", poly((222, 560), (250, 558), (252, 584), (224, 586)), cx, F, "r",
             deep=True)
    return c.write(150, 750, 40, 700, shift=50)


def leg(atlas):
    c = Chart("leg", "Legs and feet, front and back", 1200, 800)
    ax, px = 290, 810
    for cxv in (ax, px):
        for s in (1, -1):
            x = lambda v: fmt(cxv + s * v)
            c.draw("M{0} 40 L{1} 40 C{2} 120 {3} 250 {4} 320 C{5} 380 {6} 480 {7} 600 L{8} 640 "
                   "L{9} 652 L{10} 636 L{11} 600 C{12} 480 {13} 390 {14} 320 C{15} 250 {16} 120 "
                   "{17} 40 Z".format(x(-8), x(-118), x(-124), x(-112), x(-104), x(-110),
                                      x(-98), x(-84), x(-88), x(-30), x(-40), x(-48), x(-44),
                                      x(-34), x(-36), x(-22), x(-12), x(-8)))
            c.line("M%s 322 C%s 330 %s 330 %s 322" % (x(-96), x(-80), x(-56), x(-42)), 1)  # knee
    c.text(ax, 690, "front", size=14, weight="bold")
    c.text(ax - 80, 24, "patient's right", size=12)
    c.text(ax + 80, 24, "patient's left", size=12)
    c.text(px, 24, "back", size=14, weight="bold")
    c.text(px - 80, 672, "patient's left", size=12)
    c.text(px + 80, 672, "patient's right", size=12)
    F, B = "front", "back"
    c.region(atlas, "iliopsoas", ellipse(262, 78, 14, 24, 20), ax, F, "l")
    c.region(atlas, "rectus_femoris", ellipse(222, 190, 20, 96, -3), ax, F, "l")
    c.region(atlas, "hip_adductors", poly((252, 104), (272, 96), (274, 150), (258, 250), (246, 240),
                                          (248, 160)), ax, F, "l")
    c.region(atlas, "tibialis_anterior", band(220, 344, 236, 560, 16, 8), ax, F, "l")
    c.region(atlas, "extensor_hallucis_longus", band(244, 470, 246, 590, 7), ax, F, "l")
    c.region(atlas, "extensor_digitorum_brevis", ellipse(218, 628, 10, 6, 10), ax, F, "l")
    # back view: patient's left leg on the viewer's left; medial is toward the middle
    c.region(atlas, "medial_hamstrings", band(776, 110, 774, 300, 22, 14), px, B, "r")
    c.region(atlas, "gastrocnemius_lateral_head", ellipse(724, 390, 14, 50, 4), px, B, "r",
             label="gastrocnemius lateral head")
    c.region(atlas, "gastrocnemius_medial_head", ellipse(756, 398, 16, 56, -4), px, B, "r",
             label="gastrocnemius medial head")
    c.region(atlas, "soleus", poly((718, 452), (770, 460), (766, 520), (744, 556), (724, 520)),
             px, B, "r")
    c.region(atlas, "tibialis_posterior", band(744, 470, 744, 560, 9), px, B, "r", deep=True)
    c.region(atlas, "flexor_digitorum_longus", band(762, 520, 760, 600, 7), px, B, "r", deep=True)
    c.region(atlas, "flexor_hallucis_longus", band(728, 530, 734, 600, 7), px, B, "r", deep=True)
    # soles: plantar view under the back view
    for s in (1, -1):
        x = lambda v: fmt(px + s * v)
        c.draw("M{0} 700 C{1} 690 {2} 700 {3} 720 C{4} 750 {5} 780 {6} 790 C{7} 796 {8} 790 "
               "{9} 770 C{10} 740 {11} 720 {0} 700 Z".format(x(-60), x(-40), x(-34), x(-38),
                                                             x(-46), x(-50), x(-64), x(-76),
                                                             x(-82), x(-80), x(-82), x(-76)))
    c.text(px, 796, "soles", size=12)
    c.region(atlas, "sole", poly((728, 708), (768, 712), (762, 784), (738, 786)), px, B, "r",
             label="sole (skin)")
    c.region(atlas, "flexor_digitorum_brevis", ellipse(752, 744, 7, 14), px, B, "r")
    return c.write(150, 950, 40, 790, shift=60)


def main():
    atlas = load_atlas()
    shown = set()
    for make in (face, neck, arm, leg):
        for mid, side, *_ in make(atlas):
            shown.add(mid)
    missing = sorted(set(atlas) - shown)
    print("charts written; atlas structures on no chart (picked from the list):", ", ".join(missing))


if __name__ == "__main__":
    main()
