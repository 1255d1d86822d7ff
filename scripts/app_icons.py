"""Draws the installable app's icons (static/img/app-icon-*.png) from the favicon's shapes.

static/img/favicon.svg is a red rounded square with a white "N"; its coordinates (a 32-unit
square) are copied here and drawn with Pillow at 4× then scaled down (smooth edges). The
maskable icon fills the whole square and keeps the letter inside the central 80 % that every
platform's mask leaves visible. Run again after changing the favicon:

    .venv/bin/python scripts/app_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

RED = "#9b1c1c"
WHITE = "#ffffff"
LETTER = [(9, 23), (9, 9), (12, 9), (20, 18.5), (20, 9), (23, 9), (23, 23), (20, 23), (12, 13.5), (12, 23)]
OUT = Path(__file__).resolve().parent.parent / "static" / "img"
SUPERSAMPLE = 4


def draw(size, *, maskable=False):
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    unit = big / 32
    if maskable:
        canvas.rectangle((0, 0, big, big), fill=RED)
        # The letter at 60 % of its size, centred: well inside the 80 % safe zone.
        scale, offset = unit * 0.6, big * 0.2
    else:
        canvas.rounded_rectangle((0, 0, big - 1, big - 1), radius=6 * unit, fill=RED)
        scale, offset = unit, 0
    canvas.polygon([(offset + x * scale, offset + y * scale) for x, y in LETTER], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main():
    for name, size, maskable in [
        ("app-icon-192.png", 192, False),
        ("app-icon-512.png", 512, False),
        ("app-icon-maskable-512.png", 512, True),
    ]:
        draw(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
