"""Benchmark: issuing and rendering one certificate, against WeasyPrint alone on the same HTML.

Run with the project's venv from the repository root:

    .venv/bin/python bench/certificate.py [--runs 60]

"certificate render" times what the app does for each certificate: the
template, the QR code, the PDF with the credential embedded, its PAdES
signature and its SHA-256. "weasyprint floor" times
WeasyPrint's own HTML(...).write_pdf() on the final HTML that render produced,
with the same stylesheet, fonts and PDF options. The two are measured in
alternation after a warm-up, so drift on a shared machine hits both alike.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from weasyprint import HTML  # noqa: E402

from credits import pdf  # noqa: E402

SNAPSHOT = {
    "number": "CME-2026-000123",
    "document_title": "Certificate CME-2026-000123: HER2-Positive Metastatic Breast Cancer",
    "heading": "Certificate of Completion",
    "learner_name": "Chiamaka Okafor, MD",
    "completion_phrase": "has completed the enduring material",
    "activity_title": "HER2-Positive Metastatic Breast Cancer: New Evidence for Frontline and Maintenance Therapy",
    "provider": "Meridian Oncology Education",
    "award_sentence_start": "and is awarded",
    "award_amount_text": "0.50 AMA PRA Category 1 Credits™",
    "award_sentence_end": ".",
    "completed_on_text": "November 24, 2026",
    "accreditation_statement": "Meridian Oncology Education is accredited by the Accreditation Council for "
    "Continuing Medical Education (ACCME) to provide continuing medical education for physicians.",
    "designation_statement": "Meridian Oncology Education designates this enduring material for a maximum of "
    "0.50 AMA PRA Category 1 Credits™. Physicians should claim only the credit commensurate with the extent of "
    "their participation in the activity.",
    "issued_at": "2026-11-24T05:00:00+00:00",
    "issued_on_text": "November 24, 2026",
    "verify_url": "https://cme.example.org/verify/Qm9vX2V4YW1wbGVfY29kZV8x/",
}


# A credential of a typical size (what services.certificate_credential issues is about 3.5 KB).
CREDENTIAL_JSON = '{"type": ["VerifiableCredential", "OpenBadgeCredential"], "padding": "' + "x" * 3400 + '"}'


def app_render() -> bytes:
    content, _digest = pdf.render_certificate(SNAPSHOT, credential_json=CREDENTIAL_JSON)
    return content


def weasyprint_alone(html: str) -> bytes:
    font_config, fetcher = pdf._fonts_and_fetcher()
    document = HTML(string=html, base_url=pdf.STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[pdf._print_fonts(), pdf._stylesheet("certificate.css")],
        font_config=font_config,
        pdf_identifier=SNAPSHOT["number"].encode(),
        **pdf.PDF_OPTIONS,
    )


def timed(function) -> tuple[float, float]:
    """(wall ms, CPU ms): on a shared VM the CPU time shows what steal time hides."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument(
        "--names",
        nargs="*",
        default=[],
        help="Also render the certificate for these learner names (e.g. a CJK one), alternating with the default, "
        "and print each one's PDF size and median render time",
    )
    args = parser.parse_args()
    if args.names:
        compare_names(args)
        return

    html = pdf.certificate_html(SNAPSHOT)
    for _ in range(args.warmup):
        app_render()
        weasyprint_alone(html)

    app, floor = [], []
    for _ in range(args.runs):
        app.append(timed(app_render))
        floor.append(timed(lambda: weasyprint_alone(html)))
    app_times, floor_times = [wall for wall, _ in app], [wall for wall, _ in floor]
    app_cpu, floor_cpu = statistics.median(cpu for _, cpu in app), statistics.median(cpu for _, cpu in floor)

    size = len(app_render())
    app_median, floor_median = statistics.median(app_times), statistics.median(floor_times)
    print(f"runs {args.runs} after {args.warmup} warm-up; PDF {size / 1024:.1f} KiB")
    print(f"CPU time median: certificate render {app_cpu:.1f} ms; weasyprint floor {floor_cpu:.1f} ms")
    print(f"certificate render p10 {statistics.quantiles(app_times, n=10)[0]:.1f} ms, "
          f"p90 {statistics.quantiles(app_times, n=10)[-1]:.1f} ms")  # fmt: skip
    print(
        f"certificate render median {app_median:.1f} ms; weasyprint floor {floor_median:.1f} ms; "
        f"ratio {app_median / floor_median:.2f}"
    )


def compare_names(args) -> None:
    names = [SNAPSHOT["learner_name"], *args.names]
    snapshots = {name: {**SNAPSHOT, "learner_name": name} for name in names}

    def render(name: str) -> bytes:
        return pdf.render_certificate(snapshots[name], credential_json=CREDENTIAL_JSON)[0]

    for _ in range(args.warmup):
        for name in names:
            render(name)
    times = {name: [] for name in names}
    for _ in range(args.runs):
        for name in names:
            times[name].append(timed(lambda name=name: render(name))[0])
    baseline = statistics.median(times[names[0]])
    print(f"runs {args.runs} after {args.warmup} warm-up, names rendered in turn")
    for name in names:
        median = statistics.median(times[name])
        print(f"{name}: PDF {len(render(name)) / 1024:.1f} KiB; render median {median:.1f} ms; "
              f"ratio to {names[0]!r} {median / baseline:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
