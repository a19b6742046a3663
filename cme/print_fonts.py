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
import unicodedata
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

# The faces as Debian 12 ships them (fonts-noto-core 20201225-1, fonts-noto-cjk 1:20220127+repack1-1).
# Certificates embed subsets of these bytes: with other versions new certificates still print,
# but a lost file issued with these can no longer be rebuilt byte for byte (cme.W005 says so).
PINNED_SHA256 = {
    "NotoSans-Bold.ttf": "e83493c945848ecd4a9ad0f6d19164541a0d3e23a9c952304a00a46e00272ac5",
    "NotoSans-Regular.ttf": "89c3c497f618fdaa0b2d1e98fef93582f28c71debd2c4a8cdf41f190ced2909d",
    "NotoSansArabic-Bold.ttf": "ded6fc7359ca36d15d7aab9ef0c066e21ce48b26a069994d6602fa2cb9a1b952",
    "NotoSansArabic-Regular.ttf": "504d7407d86875acf7d04dfaa0fd7524d0b8797723bc4aa18022f29db25b0b6e",
    "NotoSansArmenian-Bold.ttf": "a0f398d0205f0b96d6637ac66d92e6e42b230f8ed3853a050d0aa5792eb9b7f7",
    "NotoSansArmenian-Regular.ttf": "9636c32c121f4fc1fc6963dfad60ea32c41889507118a46f83a818eacf40348e",
    "NotoSansBengali-Bold.ttf": "22c9ff99baca4d31c531ce450a1369beed889467e1ad964f4b8a6f810aa46955",
    "NotoSansBengali-Regular.ttf": "9bb35b3547829ecc42041b6017e87fd4c5f1da1edcd00f59171777050f346018",
    "NotoSansCJKsc-Bold.otf": "9023d55873ce84a6fcbc8d5ade547ab571563091654a5e854c64e04e0a44f8c5",
    "NotoSansCJKsc-Regular.otf": "fb3b8d574150df2fb21d13554d20aae3dc316062e24d34fe3d1ae136d7b4f71f",
    "NotoSansDevanagari-Bold.ttf": "77ad688cfe1dc55185bf4edb4db3c614202c65dd23a1463ad0e23fc52bcc9a5c",
    "NotoSansDevanagari-Regular.ttf": "79a470365ccb210fa3c7d8d8ff2e005ef9d983cfd067f735a0caf7e15070ca9f",
    "NotoSansEthiopic-Bold.ttf": "cc16f0c43be76a2ecb5f6d08de4fe6705886b9be90251bfb5959a90955be7f1d",
    "NotoSansEthiopic-Regular.ttf": "58bc43b062961b38ee45757d2e74e6a991a12011aa0399fb03004ac432e5c852",
    "NotoSansGeorgian-Bold.ttf": "2cee22513f5c94b5577fe1a91df94836dc9825ac78e5b3a9f3c49d1f038a5f11",
    "NotoSansGeorgian-Regular.ttf": "ba75f2154fef9beac8439f94c631dc37ef9c708d32f9254bb019afdfa9aa3138",
    "NotoSansGujarati-Bold.ttf": "db2b642c28b021da8cb0f3463bf41376549c850aa718ca863ec3ff5d5df0f2f7",
    "NotoSansGujarati-Regular.ttf": "4468a3a24516831874fb4a867b760a22257944584e478d32a97e3c4d4bfc6400",
    "NotoSansGurmukhi-Bold.ttf": "ded9c1f56a7ed0b835cfef5dd642f26cfc0f41a16fbc08008d376ddcc91d606e",
    "NotoSansGurmukhi-Regular.ttf": "1db960ff6f506a98f5b3ece78f54618388c6187e7edf8ceee5ab63389c0db3ab",
    "NotoSansHebrew-Bold.ttf": "d3b01343f71e8a93fffb84c345a1aecbaf4694b98d0eaace916cb9eac9e6dcd3",
    "NotoSansHebrew-Regular.ttf": "436900d5ad77d33e4234247f3076eaecd25b92b9bea0519514f684140e3566a7",
    "NotoSansKannada-Bold.ttf": "fcb9918669a24e33b1464b33eeac24e9a0f54a50393dfdaeb1e596cfcf2dac47",
    "NotoSansKannada-Regular.ttf": "892b841b0b87ca3c2702bdc78d3031c8220f53e8f5f496ec5e37ccf0ca03ddf7",
    "NotoSansMalayalam-Bold.ttf": "abe54dff7c6539899f1208672ae4235207b3e6b8d49594e9ff02d972d5975a81",
    "NotoSansMalayalam-Regular.ttf": "5433f4a642b4325aa169a55c4c6b8d1c4a45c4e08bcd9cbe72888229709a8f2d",
    "NotoSansTamil-Bold.ttf": "7ef7071ba2fad67dcae397dc7f5bfd4dbce69d86cdc453c2cc4abe640df0b442",
    "NotoSansTamil-Regular.ttf": "a7bb7f92f165479af2f0556c4fd669b74c5959f464f603e18389b532f4d07a71",
    "NotoSansTelugu-Bold.ttf": "34e3a81c02ea8474f00b1046cbb183461648fd253a56475140d6b025db828b5b",
    "NotoSansTelugu-Regular.ttf": "cb3165071121b1e80c55a041d0c1f79b3bbc68e4b0eab37b0d881958dfc3ed7a",
    "NotoSansThai-Bold.ttf": "97bbc8ea98328325285f2f552228c7aac1db39d8f38f0096a61ba7df1f1f780e",
    "NotoSansThai-Regular.ttf": "dfbd5ed0f1e68c3cbc51aa08f646d1ab0e68e7c4ceab70a69e465225ff701f93",
}


def missing() -> list[Path]:
    """The printed faces not in place."""
    return [path for _family, _weight, path, _source in FACES if not path.is_file()]


def changed() -> list[Path]:
    """The printed Noto faces whose bytes are not the pinned ones."""
    import hashlib

    return [
        path
        for _family, _weight, path, source in FACES
        if source is not None
        and path.is_file()
        and hashlib.sha256(path.read_bytes()).hexdigest() != PINNED_SHA256.get(path.name)
    ]


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


def _is_variation_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\U00020000" <= char <= "\U0003134f"


def uncovered(text: str) -> list[str]:
    """The characters of text no printed face has, in order, each once; spaces and line breaks aside.

    Text is printed composed (NFC), so it is checked composed. A variation selector
    after a Han character chooses that character's form (a Japanese name's kanji
    variant) through the CJK face's own variation table, which a cmap does not
    list; anywhere else it would print as nothing, so it counts as uncovered.
    """
    covered = covered_characters()
    composed = unicodedata.normalize("NFC", text)
    return list(
        dict.fromkeys(
            char
            for index, char in enumerate(composed)
            if char not in covered
            and not char.isspace()
            and not (_is_variation_selector(char) and index and _is_han(composed[index - 1]))
        )
    )


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
            # recalcTimestamp off: the face keeps the collection's own dates, so every machine extracts the
            # same bytes (a certificate embeds them, and a lost one is rebuilt byte for byte).
            collection = TTCollection(collection_path, lazy=True, recalcTimestamp=False)
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
