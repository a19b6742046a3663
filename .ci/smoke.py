"""Production smoke test: DEBUG off, hashed static files from collectstatic, the main pages answer.

Run by .ci/run with a production environment; the test suite itself uses plain
static storage, so this is where a missing static file or a template that only
breaks with DEBUG off would show.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")

import django

django.setup()

from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402

HOST = os.environ["ALLOWED_HOSTS"].split(",")[0]
PAGES = [
    "/",
    "/activities/",
    "/activities/her2-positive-mbc-frontline-and-maintenance/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/.well-known/did.json",  # the issuer's DID document, from the key in the environment
]


def main() -> None:
    client = Client(HTTP_HOST=HOST)
    failures = []
    assets = set()
    for path in PAGES:
        response = client.get(path, secure=True)
        if response.status_code != 200:
            failures.append(f"{path}: HTTP {response.status_code}")
            continue
        if response["Content-Type"].startswith("text/html"):
            assets.update(re.findall(r'(?:href|src)="(/static/[^"]+)"', response.content.decode()))
    for asset in sorted(assets):
        response = client.get(asset, secure=True)
        hashed = re.search(r"\.[0-9a-f]{12}\.", asset)
        if response.status_code != 200 or not hashed:
            failures.append(f"{asset}: HTTP {response.status_code}{'' if hashed else ', not hashed'}")
    # Refusals and outage pages must render with DEBUG off too (hashed assets, no request context).
    for path, expected in {"/verify/a%00b/": 404, "/transcript/?start=%00": 400}.items():
        status = client.get(path, secure=True).status_code
        if status != expected:
            failures.append(f"{path}: HTTP {status}, expected {expected}")
    outage_page = render_to_string("503.html")
    assets.update(re.findall(r'(?:href|src)="(/static/[^"]+)"', outage_page))
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{len(PAGES)} pages and {len(assets)} hashed static files served with DEBUG off.")


if __name__ == "__main__":
    main()
