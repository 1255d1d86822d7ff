"""Compose demo article bodies and hero images from the pools in `content.py`."""

import random
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter

from . import content


def standfirst(rng, section):
    first, second = rng.sample(content.SECTIONS[section]["sentences"], 2)
    return f"{first} {second}"


def paragraph(rng, section, sentences):
    pool = content.SECTIONS[section]["sentences"] + content.GENERIC_SENTENCES
    return " ".join(rng.sample(pool, sentences))


def body(rng, section, target_words):
    """Markdown with subheadings (quoted phrases), « quotations » and a list now and then."""
    parts, words, index = [], 0, 0
    headings = rng.sample(content.SUBHEADINGS, len(content.SUBHEADINGS))
    while words < target_words:
        if index and index % 3 == 0:
            parts.append(f"## « {headings[(index // 3) % len(headings)]} »")
        if index % 4 == 2:
            quote, speaker = rng.choice(content.QUOTES), rng.choice(content.SPEAKERS)
            parts.append(f"> « {quote} », explique {speaker}.")
            words += len(quote.split()) + 3
        if index == 5:
            items = rng.sample(content.GENERIC_SENTENCES, 3)
            parts.append("Trois points à retenir :\n\n" + "\n".join(f"- {item}" for item in items))
            words += sum(len(item.split()) for item in items)
        text = paragraph(rng, section, rng.randint(4, 6))
        parts.append(text)
        words += len(text.split())
        index += 1
    return "\n\n".join(parts)


def hero_image(seed, color, size=(1200, 675)):
    """An abstract illustration in the section's colour, made here with Pillow."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for step in range(height):
        shade = tuple(min(255, int(c + (255 - c) * step / height * 0.6)) for c in color)
        draw.line([(0, step), (width, step)], fill=shade)
    for _ in range(rng.randint(6, 12)):
        x, y = rng.randint(-200, width), rng.randint(-200, height)
        radius = rng.randint(60, 320)
        tint = tuple(min(255, max(0, c + rng.randint(-60, 90))) for c in color)
        draw.ellipse([x, y, x + radius, y + radius], fill=tint)
    image = image.filter(ImageFilter.GaussianBlur(6))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 6)):
        x = rng.randint(0, width)
        draw.line([(x, 0), (x + rng.randint(-300, 300), height)], fill=(255, 255, 255), width=rng.randint(2, 6))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()
