"""Certificate PDFs, rendered from local files only.

The renderer reuses one font configuration and one parsed stylesheet for the
life of the process, and its URL fetcher serves the app's own static files from
disk and refuses everything else: a certificate never makes a network request,
least of all to the app itself.
"""

import hashlib
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = Path(settings.BASE_DIR) / "static"
PDF_OPTIONS = {"pdf_variant": "pdf/a-3u", "pdf_tags": True}


class StaticFileFetcher(URLFetcher):
    """Serves files under the app's static folder; every other URL is refused."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Certificates load local static files only, not {url!r}.")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
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


def qr_svg(url: str) -> str:
    # A fixed mask skips scoring all eight candidates, a third of the QR's cost;
    # any mask yields a valid code, and error level M leaves scanning margin.
    code = segno.make(url, error="m", mask=2, micro=False)
    return code.svg_inline(scale=3, dark="#0b2f40", border=0, omitsize=True)


def certificate_html(snapshot: dict) -> str:
    return render_to_string("credits/certificate_pdf.html", {"c": snapshot, "qr_svg": qr_svg(snapshot["verify_url"])})


def html_to_pdf(html: str, *, identifier: str, stylesheet: str = "certificate.css") -> bytes:
    font_config, fetcher = _fonts_and_fetcher()
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    # A fixed identifier (and the issue date in the HTML metadata) makes the
    # output depend on the snapshot alone, so a lost file is rebuilt identically.
    return document.write_pdf(
        stylesheets=[_stylesheet("print-fonts.css"), _stylesheet(stylesheet)],
        font_config=font_config,
        pdf_identifier=identifier.encode(),
        **PDF_OPTIONS,
    )


def render_certificate(snapshot: dict) -> tuple[bytes, str]:
    """(PDF bytes, their SHA-256) for a certificate snapshot."""
    pdf = html_to_pdf(certificate_html(snapshot), identifier=snapshot["number"])
    return pdf, hashlib.sha256(pdf).hexdigest()
