"""Locust users for bench/load.py: learners through the whole journey, and announcement-day visitors.

LearnerUser signs up, confirms the address from the email the task worker sends,
fills in the profile, starts the activity, takes the pre-test, reads the article,
passes the post-test, evaluates (half of them commit to a change), claims credit
and downloads the certificate; then starts again as a new learner. Requests are
named by step, so Locust reports each step's times. A page that answers but does
not show what the step should lead to counts as a failure.

VisitorUser opens the activity page once, with its stylesheet, as someone
following the announcement's link does.

bench/load.py starts the stack and sets LOAD_ACTIVITY, LOAD_ANSWERS (the
post-test's correct choices, as text) and LOAD_MAILDIR (the file email
backend's folder). Everything talks to the --host given, 127.0.0.1 only.
"""

import contextlib
import itertools
import json
import os
import random
import re
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import gevent
from locust import HttpUser, between, task

ACTIVITY = os.environ.get("LOAD_ACTIVITY", "her2-positive-mbc-frontline-and-maintenance")
ANSWERS = set(json.loads(Path(os.environ["LOAD_ANSWERS"]).read_text())) if "LOAD_ANSWERS" in os.environ else set()
MAILDIR = Path(os.environ.get("LOAD_MAILDIR", "mail"))
EMAIL_WAIT_SECONDS = 120
PASSWORD = "Load-test passphrase 2026!"  # noqa: S105 (throw-away accounts in a throw-away database)


# ------------------------------------------------------------------ reading pages


class Form:
    def __init__(self, action: str):
        self.action = action
        self.fields: dict[str, str] = {}  # hidden, text and pre-selected values
        self.radios: dict[str, list[tuple[str, str]]] = {}  # name -> [(value, label text)]
        self.selects: dict[str, list[str]] = {}
        self.checkboxes: dict[str, str] = {}  # name -> value
        self.buttons: list[tuple[str, str, str]] = []  # (name, value, text)


class FormParser(HTMLParser):
    """The forms of a page, with each radio button's label text (the choice a learner reads)."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self._ids: dict[str, tuple[str, str]] = {}  # input id -> (name, value)
        self._labels: dict[str, str] = {}  # input id -> label text
        self._label_for: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._button: tuple[str, str] | None = None
        self._link: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        form = self.forms[-1] if self.forms else None
        if tag == "form":
            self.forms.append(Form(attrs.get("action", "")))
        elif tag == "input" and form is not None:
            name, kind, value = attrs.get("name", ""), attrs.get("type", "text"), attrs.get("value", "")
            if kind == "radio":
                form.radios.setdefault(name, []).append((value, ""))
                self._ids[attrs.get("id", "")] = (name, value)
            elif kind == "checkbox":
                form.checkboxes[name] = value or "on"
            elif kind not in {"submit", "button"} and name:
                form.fields[name] = value
        elif tag == "select" and form is not None:
            self._select = attrs.get("name", "")
            form.selects[self._select] = []
        elif tag == "option" and form is not None and self._select:
            form.selects[self._select].append(attrs.get("value", ""))
            if "selected" in attrs:
                form.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and form is not None:
            form.fields[attrs.get("name", "")] = ""
        elif tag == "button" and form is not None:
            self._button, self._text = (attrs.get("name", ""), attrs.get("value", "")), []
        elif tag == "label":
            self._label_for, self._text = attrs.get("for"), []
        elif tag == "a":
            self._link, self._text = attrs.get("href", ""), []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "button" and self._button and self.forms:
            self.forms[-1].buttons.append((*self._button, " ".join("".join(self._text).split())))
            self._button = None
        elif tag == "label" and self._label_for:
            self._labels[self._label_for] = " ".join("".join(self._text).split())
            self._label_for = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link, " ".join("".join(self._text).split())))
            self._link = None

    def handle_data(self, data):
        self._text.append(data)

    def close(self):
        super().close()
        for form in self.forms:
            for name, options in form.radios.items():
                form.radios[name] = [
                    (value, self._labels.get(next((i for i, nv in self._ids.items() if nv == (name, value)), ""), ""))
                    for value, _ in options
                ]


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser


def form_posting_to(page: FormParser, pattern: str) -> Form:
    for form in page.forms:
        if re.search(pattern, form.action):
            return form
    raise LookupError(f"no form posting to {pattern}")


def choice_text(label: str) -> str:
    return re.sub(r"^[A-Z]\.\s*", "", label)  # the page prefixes each choice with its letter


# ------------------------------------------------------------------ the mailbox

# Django's file email backend appends each message, then a line of 79 dashes, to a file in
# MAILDIR named by the second and the backend object; the worker's forked processes can share
# a name, so a file grows. One index for all the users of this process: each file is read from
# where the last reading stopped, up to its last complete message.
SEPARATOR = "-" * 79 + "\n"
_read_up_to: dict[str, int] = {}
_links_by_address: dict[str, str] = {}


def confirmation_link(address: str) -> str | None:
    for path in MAILDIR.glob("*.log"):
        start = _read_up_to.get(path.name, 0)
        if path.stat().st_size <= start:
            continue
        with path.open("rb") as mail:
            mail.seek(start)
            text = mail.read().decode(errors="replace")
        complete = text.rfind(SEPARATOR)
        if complete < 0:
            continue
        _read_up_to[path.name] = start + len(text[: complete + len(SEPARATOR)].encode())
        for message in text[:complete].split(SEPARATOR):
            to = re.search(r"^To: (.+)$", message, re.M)
            link = re.search(r"https?://\S+/accounts/confirm-email/[^\s/]+/", message)
            if to and link:
                _links_by_address[to.group(1).strip()] = link.group(0)
    return _links_by_address.pop(address, None)


def valid_npi() -> str:
    """A random NPI that passes the Luhn check with the 80840 prefix, as the profile requires."""
    digits = [random.randint(1, 9)] + [random.randint(0, 9) for _ in range(8)]
    total = 24  # the prefix 80840's contribution
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


# ------------------------------------------------------------------ users

_numbers = itertools.count(1)


class JourneyFailed(Exception):
    """A step failed (and was recorded as a failure): this learner starts again."""


class LearnerUser(HttpUser):
    wait_time = between(1, 3)  # think time between steps

    def think(self):
        gevent.sleep(self.wait_time())

    def page(self, method: str, url: str, *, step: str, expect: str, data=None):
        """A request counted under its step; it fails unless the page shows `expect`."""
        with self.client.request(method, url, data=data, name=step, catch_response=True) as response:
            problem = None
            if response.status_code != 200:
                problem = f"{method} {urlsplit(url).path}: status {response.status_code}"
            elif expect.lower() not in response.text.lower():
                title = re.search(r"<title>(.*?)</title>", response.text, re.S)
                problem = f"{method} {urlsplit(url).path}: no {expect!r} (got {title and title.group(1)!r})"
            if problem:
                response.failure(problem)
            else:
                response.success()
        if problem:
            raise JourneyFailed(problem)
        return response

    @task
    def journey(self):
        self.client.cookies.clear()
        with contextlib.suppress(JourneyFailed):  # the failure is recorded; start again as a new learner
            self._journey()

    def _journey(self):
        address = f"learner-{os.getpid()}-{next(_numbers)}-{uuid.uuid4().hex[:6]}@example.org"
        activity = f"/activities/{ACTIVITY}/"

        # 1. Sign up, then confirm the address from the email the task worker sends.
        page = self.page("GET", "/accounts/signup/", step="1 sign-up", expect="sign up")
        form = form_posting_to(parse(page.text), r"/accounts/signup/")
        data = {**form.fields, "email": address, "password1": PASSWORD, "password2": PASSWORD}
        self.page("POST", "/accounts/signup/", step="1 sign-up", expect="verify", data=data)
        started, link = time.monotonic(), None
        while link is None and time.monotonic() - started < EMAIL_WAIT_SECONDS:
            gevent.sleep(0.5)
            link = confirmation_link(address)
        waited = (time.monotonic() - started) * 1000
        self.environment.events.request.fire(
            request_type="EMAIL", name="2 verification email arrives", response_time=waited, response_length=0,
            exception=None if link else TimeoutError(f"no email for {address}"), context={},
        )  # fmt: skip
        if link is None:
            raise JourneyFailed(f"no email for {address}")
        path = urlsplit(link).path
        page = self.page("GET", path, step="2 confirm email", expect="Confirm")
        form = form_posting_to(parse(page.text), r"/accounts/confirm-email/")
        self.page("POST", path, step="2 confirm email", expect="Sign out", data=form.fields)
        self.think()

        # 3. The profile a certificate needs.
        page = self.page("GET", "/accounts/profile/", step="3 profile", expect="Profile")
        form = form_posting_to(parse(page.text), r"/accounts/profile/")
        data = {
            **form.fields, "first_name": "Load", "last_name": f"Learner {next(_numbers)}", "degree": "MD",
            "profession": "physician", "specialty": "Medical oncology", "npi": valid_npi(), "country": "US",
            "license_region": "NY", "license_number": "", "certifying_board": "", "board_id": "",
            "birth_month": "", "birth_day": "",
        }  # fmt: skip
        self.page("POST", "/accounts/profile/", step="3 profile", expect="saved", data=data)
        self.think()

        # 4. The activity page, then Start: the required pre-test comes first.
        page = self.page("GET", activity, step="4 activity page", expect="Start the activity")
        form = form_posting_to(parse(page.text), r"/start/$")
        page = self.page("POST", f"{activity}start/", step="4 activity page", expect="Pre-test", data=form.fields)
        self.take_test(page, step="5 pre-test", knows=False)
        self.think()

        # 6. The article, unlocked by the pre-test.
        self.page("GET", activity, step="6 article", expect="References")
        self.think()

        # 7. The post-test, passed.
        page = self.page("GET", f"{activity}post-test/", step="7 post-test", expect="Start the post-test")
        form = form_posting_to(parse(page.text), r"/post-test/start/$")
        page = self.page("POST", f"{activity}post-test/start/", step="7 post-test", expect="Post-test",
                         data=form.fields)  # fmt: skip
        self.take_test(page, step="7 post-test", knows=True)
        self.think()

        # 8. The evaluation; half the learners commit to a change and accept the follow-up.
        page = self.page("GET", f"{activity}evaluation/", step="8 evaluation", expect="Evaluation")
        form = form_posting_to(parse(page.text), r"/evaluation/$")
        data = dict(form.fields)
        for name, options in form.radios.items():
            values = [value for value, _ in options]
            data[name] = "5" if "5" in values else values[0]
        data.update(practice_change="already", free_of_commercial_bias="yes")
        if random.random() < 0.5:
            data.update(commitment_1_text="Check LVEF before each cycle of T-DXd", commitment_1_strength="4",
                        follow_up="on")  # fmt: skip
        else:
            data.pop("follow_up", None)
        self.page("POST", f"{activity}evaluation/", step="8 evaluation", expect="Claim", data=data)
        self.think()

        # 9. The claim, then the certificate PDF.
        page = self.page("GET", f"{activity}claim/", step="9 claim", expect="Claim credit")
        form = form_posting_to(parse(page.text), r"/claim/$")
        amounts = [value for value in form.selects.get("amount", []) if value]
        data = {**form.fields, "amount": amounts[-1], "attest": "on"}
        page = self.page("POST", f"{activity}claim/", step="9 claim", expect="Certificate of Completion", data=data)
        pdf = next(href for href, text in parse(page.text).links if "Download the certificate" in text)
        with self.client.get(urljoin(page.url, pdf), name="10 certificate PDF", catch_response=True) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
                response.failure(f"certificate download: status {response.status_code}")
        self.think()

    def take_test(self, page, *, step: str, knows: bool):
        """Answer every page of the attempt (correctly if the learner knows) and submit it."""
        for _ in range(20):
            parsed = parse(page.text)
            try:
                form = form_posting_to(parsed, r"/attempts/\d+/(page/\d+|submit)/$")
            except LookupError:
                break
            data = dict(form.fields)
            for name, options in form.radios.items():
                right = [value for value, label in options if choice_text(label) in ANSWERS]
                data[name] = right[0] if knows and right else random.choice(options)[0]
            actions = {value for name, value, _ in form.buttons if name == "action"}
            action = next((a for a in ("submit", "review", "next") if a in actions), None)
            if action:
                data["action"] = action
            page = self.page("POST", urljoin(page.url, form.action), step=step, expect="<h1", data=data)
            if re.search(r"/attempts/\d+/$", urlsplit(page.url).path):
                break
        expected = "Passed" if knows else "correct"
        if expected not in page.text:
            self.environment.events.request.fire(
                request_type="CHECK", name=step, response_time=0, response_length=0, context={},
                exception=AssertionError(f"{step}: the result page does not say {expected!r}"),
            )  # fmt: skip
            raise JourneyFailed(step)


class VisitorUser(HttpUser):
    """Someone following the announcement's link: the activity page and its stylesheet, once."""

    wait_time = between(0, 0)
    visited = False

    @task
    def open_the_activity(self):
        if self.visited:
            gevent.sleep(1)  # reading; Locust would start a stopped user again, so this one stays
            return
        self.visited = True
        with self.client.get(f"/activities/{ACTIVITY}/", name="activity page, visitor", catch_response=True) as page:
            if page.status_code != 200 or "Create a free account" not in page.text:
                page.failure(f"status {page.status_code}")
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text)
        if stylesheet:
            self.client.get(stylesheet.group(1), name="stylesheet, visitor")
