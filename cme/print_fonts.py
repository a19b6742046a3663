"""The fonts printed documents (certificates, transcripts, reports) use, and the characters they can print.

Every PDF is set in these faces and no others, so that any name a learner can
save prints in them: Source Sans 3 (bundled in static/fonts) for the text the
site writes, then Noto Sans for Latin with every diacritic, Greek and Cyrillic;
Noto Sans Arabic, Hebrew, Armenian, Georgian and Ethiopic; Devanagari, Bengali,
Gurmukhi, Gujarati, Tamil, Telugu, Kannada and Malayalam; Thai; and Noto Sans
CJK for Chinese, Japanese and Korean. The Noto faces come from Debian's fonts-noto-core and
fonts-noto-cjk packages; `python -m cme.print_fonts` (run by the Makefile)
copies them into print-fonts/ at the project root, taking the Simplified
Chinese face out of Noto's CJK collection (each face of it covers all three
languages). Nothing is left to the system's font fallback: a character none of
these faces has is refused where it is typed (accounts.validators), and
print-fonts/ missing is an error at startup (cme.checks).

Run as a script, this module needs no Django settings.
"""

import shutil
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_FONTS_DIR = ROOT / "print-fonts"
BUNDLED_DIR = ROOT / "static" / "fonts"
DEBIAN_PACKAGES = "fonts-noto-core fonts-noto-cjk"
_NOTO = Path("/usr/share/fonts/truetype/noto")
_NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
CJK_FACE = "Noto Sans CJK SC"

# (family, weight, the file printed from, where it comes from: a path, or (collection, face name))
FACES = [
    ("Source Sans 3", 400, BUNDLED_DIR / "source-sans-3-400.woff2", None),
    ("Source Sans 3", 700, BUNDLED_DIR / "source-sans-3-700.woff2", None),
    *(
        (family, weight, PRINT_FONTS_DIR / f"{stem}-{style}.ttf", _NOTO / f"{stem}-{style}.ttf")
        for family, stem in (
            ("Noto Sans", "NotoSans"),
            ("Noto Sans Arabic", "NotoSansArabic"),
            ("Noto Sans Hebrew", "NotoSansHebrew"),
            ("Noto Sans Armenian", "NotoSansArmenian"),
            ("Noto Sans Georgian", "NotoSansGeorgian"),
            ("Noto Sans Ethiopic", "NotoSansEthiopic"),
            ("Noto Sans Devanagari", "NotoSansDevanagari"),
            ("Noto Sans Bengali", "NotoSansBengali"),
            ("Noto Sans Gurmukhi", "NotoSansGurmukhi"),
            ("Noto Sans Gujarati", "NotoSansGujarati"),
            ("Noto Sans Tamil", "NotoSansTamil"),
            ("Noto Sans Telugu", "NotoSansTelugu"),
            ("Noto Sans Kannada", "NotoSansKannada"),
            ("Noto Sans Malayalam", "NotoSansMalayalam"),
            ("Noto Sans Thai", "NotoSansThai"),
        )
        for weight, style in ((400, "Regular"), (700, "Bold"))
    ),
    *(
        (
            CJK_FACE,
            weight,
            PRINT_FONTS_DIR / f"NotoSansCJKsc-{style}.otf",
            (_NOTO_CJK / f"NotoSansCJK-{style}.ttc", CJK_FACE),
        )
        for weight, style in ((400, "Regular"), (700, "Bold"))
    ),
]
FAMILIES = list(dict.fromkeys(family for family, *_ in FACES))


def missing() -> list[Path]:
    """The printed faces not in place."""
    return [path for _family, _weight, path, _source in FACES if not path.is_file()]


def font_face_css() -> str:
    """@font-face rules for every printed face, from local files, and the family list every document uses."""
    rules = [
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
        for family, weight, path, _source in FACES
    ]
    families = ", ".join(f'"{family}"' for family in FAMILIES)
    return "\n".join([*rules, f"html {{ font-family: {families}; }}"]) + "\n"


@cache
def covered_characters() -> frozenset[str]:
    """Every character some printed face has a glyph for (regular weight; the bold faces cover the same)."""
    from fontTools.ttLib import TTFont

    characters = set()
    for _family, weight, path, _source in FACES:
        if weight == 400:
            characters |= set(map(chr, TTFont(path, lazy=True).getBestCmap()))
    return frozenset(characters)


def uncovered(text: str) -> list[str]:
    """The characters of text no printed face has, in order, each once; spaces and line breaks aside."""
    covered = covered_characters()
    return list(dict.fromkeys(char for char in text if char not in covered and not char.isspace()))


def language_of(text: str) -> str:
    """The language a name's glyphs should follow where Han characters differ by region: kana is Japanese,
    Hangul Korean; otherwise (Chinese, or no Han at all) the CJK face's own, Simplified Chinese."""
    for char in text:
        if "\u3040" <= char <= "\u30ff" or "\u31f0" <= char <= "\u31ff":
            return "ja"
        if "\uac00" <= char <= "\ud7af" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f":
            return "ko"
    return ""


def install() -> list[Path]:
    """Put every printed Noto face in print-fonts/ from Debian's packages; returns the files written."""
    from fontTools.ttLib import TTCollection

    written = []
    PRINT_FONTS_DIR.mkdir(exist_ok=True)
    for _family, _weight, path, source in FACES:
        if source is None or path.is_file():
            continue
        temporary = path.with_name(path.name + ".tmp")
        if isinstance(source, tuple):
            collection_path, face = source
            collection = TTCollection(collection_path, lazy=True)
            (font,) = (font for font in collection.fonts if font["name"].getDebugName(1) == face)
            font.save(temporary)
        else:
            shutil.copyfile(source, temporary)
        temporary.replace(path)
        written.append(path)
    return written


def main() -> int:
    sources = [
        source if isinstance(source, Path) else source[0]
        for _family, _weight, path, source in FACES
        if source is not None and not path.is_file()
    ]
    absent = sorted({str(source) for source in sources if not source.is_file()})
    if absent:
        print("The fonts certificates print names in are not installed:", *absent, sep="\n    ")
        print(f"Install them with:\n    sudo apt-get install -y {DEBIAN_PACKAGES}")
        return 1
    for path in install():
        print(f"Installed {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
