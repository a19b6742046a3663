"""Control characters in a URL are refused before they reach the database (PostgreSQL rejects NUL with a 500)."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/verify/a%00b/",
        "/certificates/CME-2026-000001%00/",
        "/certificates/a%00b/pdf/",
        "/activities/her2%00/",
        "/verify/a%0Ab/",
        "/verify/a%1Bb/",
        "/verify/a%7Fb/",
    ],
)
def test_a_control_character_in_the_path_is_a_404(alice_client, path):
    response = alice_client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.parametrize("query", ["start=2026-01-01%00", "q=%00", "%00=1"])
def test_a_nul_in_the_query_string_is_a_400(alice_client, staff_client, query):
    assert alice_client.get(f"/transcript/?{query}").status_code == 400
    assert staff_client.get(f"/admin/quizzes/question/?{query}").status_code == 400


def test_ordinary_text_in_paths_and_queries_still_works(alice_client, staff_client, seed_questions):
    assert alice_client.get("/verify/unknown-code/").status_code == 404
    assert staff_client.get("/admin/quizzes/question/?q=tucatinib%20HER2").status_code == 200
    assert alice_client.get("/activities/her2-positive-mbc-frontline-and-maintenance/").status_code == 200


def test_a_cookie_with_a_control_character_is_ignored(client, seed_activity):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    response = client.get("/activities/")
    assert response.status_code == 200
