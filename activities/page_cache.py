"""Cached pages: visitors' pages shared by all, each learner's own pages, fragments shared by everyone.

An announcement brings thousands of visitors to one activity page in an hour.
What they see before signing in is the same for all of them, and so is the
article a signed-in learner reads; only the learner's own status, next step
and forms differ. So:

- a visitor's whole page (no session user, no pending message, no query string
  but an email campaign's tracking parameters) is cached and served as it was
  rendered, provided rendering it set no cookie and used no CSRF token: nothing
  personal can be in it;
- the article with its charts and references, and the front matter's shared
  parts, are cached for everyone, signed in or not (journey.page_cache builds
  them through fragment());
- a signed-in learner's own pages (activity, catalog, question page, result)
  are cached for that learner alone, where a Redis is kept for pages
  (settings.CACHE_LEARNER_PAGES), for LEARNER_PAGE_SECONDS, keyed by their pages version (User.pages_version,
  moved by every service that changes what they show, in the same transaction)
  and a digest of their account row (a profile edit from anywhere shows at
  once). The CSRF token in a stored page is replaced by a fresh one on every
  serving; a page with a waiting message, a staff member's page and a page
  that set a cookie are never stored.

Keys carry the content version (activities.selectors.content_version, moved by
every admin edit of what these pages show), the site's date (release and
expiry turn on dates) and a digest of the code (templates, Python, static
manifest: a deployment never serves another release's pages). Entries live in
the "pages" cache, apart from sessions and rate-limit counters, for
PAGE_SECONDS; each process also keeps its most requested pages for
LOCAL_SECONDS. An admin edit shows on the next request in the process that
made it and within a second in the others (each keeps the version it read for
CONTENT_VERSION_LOCAL_SECONDS); an edit made outside the admin (a shell,
loaddata) shows within PAGE_SECONDS, or as soon as
activities.services.content_changed() is called.
"""

import hashlib
import logging
import re
import threading
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
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from activities.selectors import content_version, forget_local_content_version

logger = logging.getLogger(__name__)

PAGE_SECONDS = 600
# A learner's page is asked for again on a reload or the back button, soon or not at all.
LEARNER_PAGE_SECONDS = 120
LOCAL_SECONDS = 30
LOCAL_PAGES = 256  # at most a few MB a process: pages run 3–50 KB
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


# A key names one rendering (code, content version, date, and for a learner their pages
# version and account row are in it), so each process may keep the pages it served last
# without asking the shared cache; for LOCAL_SECONDS only, so an edit made outside the
# admin and the services is not held here longer than in the shared cache.
_local_pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
_local_pages_lock = threading.Lock()  # threaded servers (runserver, gthread) share the dict


def _remembered(key: str) -> bytes | None:
    entry = _local_pages.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _remember(key: str, content: bytes) -> None:
    with _local_pages_lock:
        _local_pages[key] = (time.monotonic() + LOCAL_SECONDS, content)
        _local_pages.move_to_end(key)
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def _cached_page(key: str) -> bytes | None:
    content = _remembered(key)
    if content is None:
        content = _fetch(key)
        if content is not None:
            _remember(key, content)
    return content


def _keep_page(key: str, content: bytes, seconds: int = PAGE_SECONDS) -> None:
    _store(key, content, seconds)
    _remember(key, content)


def forget_local_pages() -> None:
    """Drop this process's copies (the test suite does, between tests that reuse version numbers)."""
    _local_pages.clear()
    forget_local_content_version()


def _key(*parts) -> str:
    return ":".join(["page", code_digest(), str(content_version()), str(timezone.localdate()), *map(str, parts)])


def _fetch(key: str):
    try:
        return pages().get(key)
    except Exception:
        logger.warning("page cache: could not read %s", key, exc_info=True)
        return None


def _store(key: str, value, seconds: int = PAGE_SECONDS) -> None:
    # A full or unreachable page cache costs speed, never the page.
    try:
        pages().set(key, value, seconds)
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


def _view_arguments(args: tuple, kwargs: dict) -> list[str]:
    """What names the page among a view's: its URL arguments, in a fixed order."""
    return [*map(str, args), *(f"{key}={value}" for key, value in sorted(kwargs.items()))]


def _rendered(response: HttpResponse) -> HttpResponse:
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def shared_for_visitors(name: str) -> Callable:
    """Cache a view's whole page for visitors who are not signed in; everyone else gets it rendered."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _shareable_request(request):
                return view(request, *args, **kwargs)
            key = _key(name, *_view_arguments(args, kwargs))
            content = _cached_page(key)
            if content is not None:
                response = HttpResponse(content)
            else:
                response = _rendered(view(request, *args, **kwargs))
                if _shareable_response(request, response):
                    _keep_page(key, response.content)
            # What a signed-in learner sees at this address differs: no shared cache in front
            # of the site (a proxy, a CDN) may hand this copy to a request with cookies.
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapped

    return decorator


def _learner_digest(user) -> str:
    """The learner's pages version and every column of their account row, digested."""
    values = repr([getattr(user, field.attname) for field in user._meta.concrete_fields])
    return hashlib.blake2b(values.encode(), digest_size=12).hexdigest()


def _personal_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not _only_tracking(request.GET):
        return False
    user = request.user
    # Staff see more than learners (the admin link, whatever their permissions open): rendered each time.
    if not settings.CACHE_LEARNER_PAGES or not user.is_authenticated or user.is_staff:
        return False
    return len(get_messages(request)) == 0


# What {% csrf_token %} writes. A stored page's token was masked for the request that
# rendered it; each serving gets its own, masked afresh from the learner's current secret.
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}"')


def _with_fresh_csrf_token(request: HttpRequest, content: bytes) -> bytes:
    if b"csrfmiddlewaretoken" not in content:
        return content
    token = get_token(request).encode()
    return _CSRF_INPUT.sub(lambda match: match.group(1) + token + b'"', content)


def own_to_learner(name: str) -> Callable:
    """Cache a signed-in learner's page for that learner only, until anything it shows changes.

    The key holds the user's id, their pages version and a digest of their account
    row, beside the content version, date and code digest every key holds; the
    page is in no other learner's key.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _personal_request(request):
                return view(request, *args, **kwargs)
            user = request.user
            key = _key("learner", user.pk, _learner_digest(user), name, *_view_arguments(args, kwargs))
            content = _cached_page(key)
            if content is not None:
                response = HttpResponse(_with_fresh_csrf_token(request, content))
            else:
                response = _rendered(view(request, *args, **kwargs))
                if response.status_code == 200 and not response.cookies and len(get_messages(request)) == 0:
                    _keep_page(key, response.content, LEARNER_PAGE_SECONDS)
            patch_vary_headers(response, ("Cookie",))
            patch_cache_control(response, private=True)
            return response

        return wrapped

    return decorator


def fragment(name: str, *parts, build: Callable[[], object]):
    """A shared piece: from the pages cache, or built once and stored there for everyone."""
    key = _key(name, *parts)
    value = _fetch(key)
    if value is None:
        value = build()
        _store(key, value)
    return value
