"""The apps depend on each other one way: the journey on top, then credits and quizzes, then activities.

A cycle is how the journey's rules ended up copied into each app, so this reads
every import of every module of the apps and fails on any that points upward.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each app, and the apps it may import. The project package `cme` holds settings,
# URLs and shared plumbing (staff permissions, middleware); only its top-level
# wiring (urls, the demo loader) may import the apps.
ALLOWED = {
    "audit": {"cme"},  # the action log, at the bottom: every app records into it
    "credentials": {"cme", "audit"},  # signing and verifying credentials; knows nothing of CME
    "notifications": {"cme", "audit"},
    "accounts": {"cme", "notifications", "audit"},
    "activities": {"cme", "accounts", "audit"},
    "quizzes": {"cme", "accounts", "activities", "audit"},
    "credits": {"cme", "accounts", "activities", "notifications", "audit", "credentials"},
    "journey": {"cme", "accounts", "activities", "quizzes", "credits", "notifications", "audit"},
    "outcomes": {"cme", "accounts", "activities", "quizzes", "credits", "notifications", "audit"},
    "pars": {"cme", "accounts", "activities", "credits", "audit"},
}
APPS = set(ALLOWED)
CME_WIRING = {"urls.py", "demo.py", "management"}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & (APPS | {"cme"})


def modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def import_graph() -> dict[str, set[str]]:
    graph = {app: set() for app in APPS}
    for app in APPS:
        for path in modules(app):
            graph[app] |= imported_apps(path) - {app}
    return graph


@pytest.mark.parametrize("app", sorted(APPS))
def test_each_app_imports_only_the_apps_below_it(app):
    upward = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(app)
        for name in imported_apps(path) - ALLOWED[app] - {app}
    }
    assert upward == set()


def test_the_app_graph_has_no_cycle():
    graph = import_graph()
    visiting, done = set(), set()

    def visit(app, trail):
        assert app not in visiting, " → ".join([*trail, app])
        if app in done:
            return
        visiting.add(app)
        for other in graph[app] & APPS:
            visit(other, [*trail, app])
        visiting.discard(app)
        done.add(app)

    for app in sorted(graph):
        visit(app, [])


def test_cme_plumbing_imports_no_app_above_accounts():
    """Staff checks, middleware and settings sit below every app; only the URL wiring and demo loader sit above."""
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("cme")
        if not set(path.relative_to(ROOT / "cme").parts) & CME_WIRING
        for name in imported_apps(path) - {"cme", "accounts", "notifications"}
    }
    assert offenders == set()


def test_the_checker_sees_an_upward_import(tmp_path):
    """The guard itself: an import of the journey from credits is reported."""
    module = tmp_path / "bad.py"
    module.write_text("from journey.state import Step\nimport quizzes.models\n")
    assert imported_apps(module) == {"journey", "quizzes"}
