"""Pages and fragments that are the same for everyone, cached under the content version.

An announcement brings thousands of visitors to one activity page in an hour.
What they see before signing in is the same for all of them, and so is the
article a signed-in learner reads; only the learner's own status, next step
and forms differ. So:

- a visitor's whole page (no session user, no pending message, no query string
  but an email campaign's tracking parameters) is cached and served as it was
  rendered, provided rendering it set no cookie and used no CSRF token: nothing
  personal can be in it;
- the article with its charts and references, and the front matter's shared
  parts, are cached for everyone, signed in or not; the page around them
  renders per request.

Keys carry the content version (activities.selectors.content_version, moved by
every admin edit of what these pages show), the site's date (release and
expiry turn on dates) and a digest of the code (templates, Python, static
manifest: a deployment never serves another release's pages). Entries live in
the "pages" cache, apart from sessions and rate-limit counters, for
PAGE_SECONDS; each process also keeps its most requested pages for
LOCAL_SECONDS. An edit made outside the admin (a shell, loaddata) therefore
shows within PAGE_SECONDS, or at once after activities.services.content_changed().
"""

import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from activities.rendering import render_article
from activities.selectors import activity_with_everything_shown, content_version
from credits.wording import designation_statement

logger = logging.getLogger(__name__)

PAGE_SECONDS = 600
LOCAL_SECONDS = 30
LOCAL_PAGES = 32
# Campaign links carry these; they change nothing on the page, so they do not make it personal.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "msclkid"})
_code_digest: str | None = None


def pages():
    return caches["pages"]


def code_digest() -> str:
    """A digest of every template, Python module and the static manifest, taken once per process."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.sha256()
        folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
        folders += [Path(config.path) for config in apps.get_app_configs() if _ours(config.path)]
        for folder in folders:
            for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
                if path.suffix in {".html", ".py"} and "migrations" not in path.parts:
                    digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                    digest.update(path.read_bytes())
        manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
        if settings.STATIC_ROOT and manifest.is_file():
            digest.update(manifest.read_bytes())
        _code_digest = digest.hexdigest()[:12]
    return _code_digest


def _ours(path: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(settings.BASE_DIR).resolve()) and ".venv" not in Path(path).parts


# A key names one rendering (code, content version, date are in it), so each process may
# keep the few pages it serves most without asking the shared cache; for LOCAL_SECONDS
# only, so an edit made outside the admin is not held here longer than in the shared cache.
_local_pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()


def _remembered(key: str) -> bytes | None:
    entry = _local_pages.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _remember(key: str, content: bytes) -> None:
    _local_pages[key] = (time.monotonic() + LOCAL_SECONDS, content)
    _local_pages.move_to_end(key)
    while len(_local_pages) > LOCAL_PAGES:
        _local_pages.popitem(last=False)


def forget_local_pages() -> None:
    """Drop this process's copies (the test suite does, between tests that reuse version numbers)."""
    _local_pages.clear()


def _key(*parts) -> str:
    return ":".join(["page", code_digest(), str(content_version()), str(timezone.localdate()), *map(str, parts)])


def _fetch(key: str):
    try:
        return pages().get(key)
    except Exception:
        logger.warning("page cache: could not read %s", key, exc_info=True)
        return None


def _store(key: str, value) -> None:
    # A full or unreachable page cache costs speed, never the page.
    try:
        pages().set(key, value, PAGE_SECONDS)
    except Exception:
        logger.warning("page cache: could not store %s", key, exc_info=True)


def _only_tracking(query) -> bool:
    return all(name in TRACKING_PARAMETERS or name.startswith("utm_") for name in query)


def _shareable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not _only_tracking(request.GET):
        return False
    if not request.COOKIES:
        return True  # no session and no message can come with a request that carries no cookie
    if request.user.is_authenticated:
        return False
    return len(get_messages(request)) == 0  # counting does not mark them read


def _shareable_response(request: HttpRequest, response: HttpResponse) -> bool:
    # A CSRF token in the page, or any cookie, would be one visitor's, served to the next.
    return response.status_code == 200 and not response.cookies and "CSRF_COOKIE" not in request.META


def shared_for_visitors(name: str) -> Callable:
    """Cache a view's whole page for visitors who are not signed in; everyone else gets it rendered."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _shareable_request(request):
                return view(request, *args, **kwargs)
            key = _key(name, *args, *(f"{k}={v}" for k, v in sorted(kwargs.items())))
            content = _remembered(key)
            if content is None:
                content = _fetch(key)
            if content is not None:
                _remember(key, content)
                response = HttpResponse(content)
            else:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if _shareable_response(request, response):
                    _store(key, response.content)
                    _remember(key, response.content)
            # What a signed-in learner sees at this address differs: no shared cache in front
            # of the site (a proxy, a CDN) may hand this copy to a request with cookies.
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapped

    return decorator


def _fragment(key: str, build: Callable[[], object]):
    """A shared piece: from the pages cache, or built once and stored there for everyone."""
    value = _fetch(key)
    if value is None:
        value = build()
        _store(key, value)
    return value


def article_html(activity) -> str:
    """The article with its charts, then its references, as HTML: rendered once per content version, for all."""

    def build() -> str:
        loaded = activity_with_everything_shown(activity.pk)
        return str(render_article(loaded.body, loaded.charts.all())) + render_to_string(
            "activities/includes/references.html", {"references": loaded.references.all()}
        )

    return mark_safe(_fragment(_key("article", activity.pk), build))  # noqa: S308 (sanitised Markdown, our SVG)


def front_matter(activity) -> dict[str, str]:
    """The front matter that is the same for everyone (about, notes), rendered once per content version.

    The parts that depend on the learner or on the tests (how to earn credit, the
    Start button) stay in the page's own template.
    """

    def build() -> dict[str, str]:
        loaded = activity_with_everything_shown(activity.pk)
        context = {"activity": loaded, "designation_statement": designation_statement(loaded)}
        return {
            name: render_to_string(f"activities/includes/front_matter_{name}.html", context)
            for name in ("about", "notes")
        }

    parts = _fragment(_key("front-matter", activity.pk), build)
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308 (escaped templates)
