"""Evidence photos for the demo's declarations: a few plain drawn scenes (a field, a lane, a wall),
made once per run with Pillow and stored through the points service like an upload."""

import io
import random
from functools import cache

from PIL import Image, ImageDraw

from gongzhi.points import services

SIZE = (480, 360)
SCENES = 6


@cache
def _scene(n: int) -> tuple[bytes, int, int]:
    """Sky, ground and a few houses or trees, in colours of its own: (jpeg, width, height)."""
    rng = random.Random(f"scene-{n}")
    width, height = SIZE
    image = Image.new("RGB", SIZE, (150 + rng.randrange(60), 190 + rng.randrange(40), 230))
    draw = ImageDraw.Draw(image)
    horizon = rng.randrange(150, 220)
    draw.rectangle((0, horizon, width, height), fill=(90 + rng.randrange(60), 140 + rng.randrange(50), 70))
    for _ in range(rng.randrange(2, 5)):
        x, w = rng.randrange(0, width - 80), rng.randrange(50, 110)
        top = horizon - rng.randrange(40, 90)
        draw.rectangle((x, top, x + w, horizon + 10), fill=(220, 215, 200), outline=(120, 110, 100))
        draw.polygon([(x - 8, top), (x + w // 2, top - 30), (x + w + 8, top)], fill=(110, 60, 50))
    for _ in range(rng.randrange(3, 7)):
        x = rng.randrange(width)
        draw.ellipse((x - 18, horizon - 60, x + 18, horizon - 10), fill=(40, 110 + rng.randrange(40), 50))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue(), width, height


def attach(declaration, item) -> None:
    """One or two photos, chosen by the declaration, as the resident would have uploaded them."""
    first = declaration.pk % SCENES
    shots = [_scene(first)] + ([_scene((first + 1) % SCENES)] if declaration.pk % 3 == 0 else [])
    services.save_evidence(shots, declaration=declaration)
