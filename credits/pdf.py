"""Certificate and transcript PDFs, rendered from local files only.

The renderer reuses one font configuration and one parsed stylesheet for the
life of the process, and its URL fetcher serves the app's own static files from
disk and refuses everything else: a certificate never makes a network request,
least of all to the app itself.
"""

import hashlib
import mimetypes
import os
import unicodedata
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from cme import print_fonts
from credentials.pades import sign_pdf

STATIC_DIR = Path(settings.BASE_DIR) / "static"
PDF_OPTIONS = {"pdf_variant": "pdf/a-3u", "pdf_tags": True}

# Without HarfBuzz's subsetter (libharfbuzz-subset0), WeasyPrint subsets fonts
# with fontTools, which stamps each subset font with the current time unless
# SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes it: a lost
# certificate rebuilt a second later would no longer match its recorded hash.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")


class StaticFileFetcher(URLFetcher):
    """Serves files under the app's static folder and the printed fonts; every other URL is refused."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Certificates load local static files only, not {url!r}.")
        path = Path(unquote(parts.path)).resolve()
        allowed = (STATIC_DIR.resolve(), print_fonts.PRINT_FONTS_DIR.resolve())
        if not any(path.is_relative_to(folder) for folder in allowed) or not path.is_file():
            raise ValueError(f"Certificates load local static files only, not {url!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


@cache
def _fonts_and_fetcher() -> tuple[FontConfiguration, StaticFileFetcher]:
    return FontConfiguration(), StaticFileFetcher()


@cache
def _stylesheet(name: str) -> CSS:
    font_config, fetcher = _fonts_and_fetcher()
    return CSS(filename=str(STATIC_DIR / "css" / name), font_config=font_config, url_fetcher=fetcher)


@cache
def _print_fonts() -> CSS:
    """The printed faces (cme.print_fonts) and the family list every document is set in."""
    font_config, fetcher = _fonts_and_fetcher()
    return CSS(string=print_fonts.font_face_css(), font_config=font_config, url_fetcher=fetcher)


def qr_svg(url: str) -> str:
    # A fixed mask skips scoring all eight candidates, a third of the QR's cost;
    # any mask yields a valid code, and error level M leaves scanning margin.
    code = segno.make(url, error="m", mask=2, micro=False)
    # The title is the figure's alternative text in the tagged PDF, for a screen reader.
    title = f"QR code linking to this certificate's verification page, {url}"
    return code.svg_inline(scale=3, dark="#0b2f40", border=0, omitsize=True, title=title)


def certificate_html(snapshot: dict) -> str:
    # Each text composed (NFC): a letter typed as base + combining accent would otherwise take its base
    # from one face and its accent from another, and the accent would sit wrong. The values, never the
    # markup: composing ">" with a combining mark that follows it would take the tag apart.
    snapshot = {
        key: unicodedata.normalize("NFC", value) if isinstance(value, str) else value for key, value in snapshot.items()
    }
    context = {
        "c": snapshot,
        "qr_svg": qr_svg(snapshot["verify_url"]),
        # Han characters are drawn as the name's language draws them (kana: Japanese, Hangul: Korean).
        "name_language": print_fonts.language_of(snapshot["learner_name"]),
    }
    return render_to_string("credits/certificate_pdf.html", context)


def html_to_pdf(
    html: str, *, identifier: str, stylesheet: str | None = "certificate.css", attachments: list[Attachment] = ()
) -> bytes:
    font_config, fetcher = _fonts_and_fetcher()
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    # A fixed identifier (and the issue date in the HTML metadata) makes the
    # output depend on the snapshot alone, so a lost file is rebuilt identically.
    return document.write_pdf(
        stylesheets=[_print_fonts(), *([_stylesheet(stylesheet)] if stylesheet else [])],
        font_config=font_config,
        pdf_identifier=identifier.encode(),
        attachments=list(attachments),
        **PDF_OPTIONS,
    )


# The cost of printing text, for selectors.printable() to bound one PDF's
# rendering time; a unit is about one character of plain text, and a row costs
# a little besides its text. Characters the embedded font has no glyph for (Ł,
# Greek, Cyrillic, Arabic, symbols…) cost more: a fallback system font prints
# them, and WeasyPrint subsets every glyph used into the PDF, slowly unless
# HarfBuzz's subsetter (libharfbuzz-subset0) is installed. The first brings in
# a whole font; each different one adds a glyph to subset. bench/transcript_pdf.py
# --text scripts|symbols measures these.
ROW_COST = 50
UNCOVERED_CHARACTER_COST = 2
NEW_GLYPH_COST = 20
FALLBACK_FONT_COST = 4_000


@cache
def _embedded_characters() -> frozenset[str]:
    """The characters the printed font (Source Sans 3, regular) has glyphs for."""
    return frozenset(map(chr, TTFont(STATIC_DIR / "fonts" / "source-sans-3-400.woff2").getBestCmap()))


def print_cost(texts, *, seen: set[str]) -> int:
    """What printing these texts costs; `seen` collects the characters set in fallback fonts so far."""
    embedded = _embedded_characters()
    uncovered = [char for text in texts for char in text if char not in embedded and not char.isspace()]
    new = set(uncovered) - seen
    cost = sum(map(len, texts)) + UNCOVERED_CHARACTER_COST * len(uncovered) + NEW_GLYPH_COST * len(new)
    if new and not seen:
        cost += FALLBACK_FONT_COST
    seen |= new
    return cost


def transcript_html(*, user, transcript, generated, issuer: str, start=None, end=None) -> str:
    context = {
        "transcript": transcript,
        "user": user,
        "generated": generated,
        "start": start,
        "end": end,
        "issuer": issuer,
    }
    return render_to_string("credits/transcript_pdf.html", context)


def render_transcript(*, user, transcript, generated, issuer: str, start=None, end=None) -> bytes:
    """The transcript PDF; pass it selectors.printable()'s transcript, which bounds the rows it renders, and
    selectors.transcript_issuer() of the whole transcript."""
    html = transcript_html(user=user, transcript=transcript, generated=generated, issuer=issuer, start=start, end=end)
    return html_to_pdf(html, identifier=f"transcript-{user.pk}", stylesheet="transcript.css")


CREDENTIAL_ATTACHMENT = "open-badge-credential.json"


def render_certificate(snapshot: dict, *, credential_json: str) -> tuple[bytes, str]:
    """(PDF bytes, their SHA-256) for a certificate snapshot: PDF/A-3u with the Open Badges credential embedded as an
    associated file, signed by the provider's certificate at the moment of issue.

    Everything comes from the snapshot and the credential as issued, so a lost file
    is rebuilt byte for byte (while the signing certificate stays the same).
    """
    issued_at = datetime.fromisoformat(snapshot["issued_at"])
    credential = Attachment(
        string=credential_json,
        name=CREDENTIAL_ATTACHMENT,
        description=f"Certificate {snapshot['number']} as a signed Open Badges 3.0 credential",
        created=issued_at.astimezone(UTC),
        modified=issued_at.astimezone(UTC),
        relationship="Data",
    )
    unsigned = html_to_pdf(certificate_html(snapshot), identifier=snapshot["number"], attachments=[credential])
    signed = sign_pdf(
        unsigned,
        signing_time=issued_at,
        document_id=snapshot["number"],
        reason=f"Certificate {snapshot['number']} issued by {snapshot['provider']}",
        location=urlsplit(snapshot["verify_url"]).hostname or "",
    )
    return signed, hashlib.sha256(signed).hexdigest()
