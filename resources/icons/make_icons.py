"""Make the Windows (.ico) and macOS (.icns) icons from sellerdesk.png.

Run once when the PNG changes (`.venv/bin/python resources/icons/make_icons.py`) and commit
what it writes: the build then needs no image tools, and every platform's bundle is built
from the same committed files. Pillow is already installed (reportlab needs it).
"""

from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
# Windows picks the size it needs (16 in a title bar, 32 on the taskbar, 48 in Explorer's
# icon view, 256 for large icons); a size missing from the .ico is scaled, blurrily.
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def main() -> None:
    source = Image.open(HERE / "sellerdesk.png").convert("RGBA")
    source.save(HERE / "sellerdesk.ico", sizes=ICO_SIZES)
    # Pillow writes every size macOS asks for (16 to 1024, with the @2x ones); those
    # above the PNG's own 256 px are scaled up from it.
    source.save(HERE / "sellerdesk.icns")
    for name in ("sellerdesk.ico", "sellerdesk.icns"):
        print(f"wrote {HERE / name} ({(HERE / name).stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
