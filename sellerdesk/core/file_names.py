"""File names every desktop accepts. Evidence keeps the name it was attached under, and a
file attached on Linux or macOS (or at a colleague's desk) may be called `a:b?.png`,
`CON.txt` or `x.`: names Windows refuses or quietly changes, so a packet written as a
folder, or a zip that Explorer extracts, would fail or lose a file there."""

from __future__ import annotations

import re

# What Windows refuses anywhere in a name: <>:"/\|?* and the control characters.
_REFUSED = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
# Names of devices, whatever their extension and case: `con.txt` opens the console.
# (Windows 10 and later also reserve COM and LPT with a superscript digit.)
RESERVED = frozenset({
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
    *(f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³"),
})
# Explorer cannot extract a path over 260 characters: a name this long leaves room for
# the folder a packet is written to.
MAX_LENGTH = 100


def windows_safe(name: str) -> str:
    """`name` as Windows, macOS and Linux all keep it: each refused character becomes
    `_`, trailing dots and spaces go (Windows drops them itself, so `x.` and `x` would be
    one file), a device name gets a `_` before it, and a name longer than MAX_LENGTH is
    shortened before its extension. Never empty."""
    cleaned = _REFUSED.sub("_", name).rstrip(". ")
    if cleaned.split(".", 1)[0].rstrip(" ").upper() in RESERVED:
        cleaned = f"_{cleaned}"
    if len(cleaned) > MAX_LENGTH:
        stem, dot, suffix = cleaned.rpartition(".")
        if not stem or len(suffix) > 10:       # no extension worth keeping
            stem, dot, suffix = cleaned, "", ""
        cleaned = stem[:MAX_LENGTH - len(dot + suffix)].rstrip(". ") + dot + suffix
    return cleaned or "_"
