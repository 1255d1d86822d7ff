"""Bad input from outside gets a clear 404 or 400, never a 500 (SQLite and PostgreSQL)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def test_a_huge_comment_page_number_is_a_404(client):
    article = ArticleFactory()
    assert client.get(article.get_absolute_url(), {"cpage": HUGE}).status_code == 404
    assert client.get(article.get_absolute_url(), {"cpage": "100000"}).status_code == 404


@pytest.mark.parametrize("path", ["/actualites/", "/compte/commentaires/"])
def test_a_huge_list_page_number_is_a_404(client, path):
    client.force_login(UserFactory())
    assert client.get(path, {"page": HUGE}).status_code == 404


def changelists():
    return [
        pytest.param(model, model_admin, id=f"{model._meta.app_label}.{model._meta.model_name}")
        for model, model_admin in admin.site._registry.items()
    ]


def nasty_queries(model_admin):
    queries = [{"q": "a\x00b"}, {"p": HUGE}, {"o": "abc"}, {"o": HUGE}, {"e": "\x00"}, {"_selected_action": "\x00"}]
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        queries += [
            {f"{field}__year": "99999999"},
            {f"{field}__year": "2026", f"{field}__month": "13"},
            {f"{field}__year": "2026", f"{field}__month": "2", f"{field}__day": "31"},
            {f"{field}__year": "\x00"},
        ]
    for name in model_admin.list_filter:
        parameter = getattr(name, "parameter_name", None) or f"{name}__exact"
        queries += [{parameter: "\x00"}, {parameter: HUGE}]
    return queries


@pytest.mark.parametrize(("model", "model_admin"), changelists())
def test_admin_lists_answer_bad_filters_without_a_500(admin_client, model, model_admin):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    failures = []
    for query in nasty_queries(model_admin):
        try:
            status = admin_client.get(url, query).status_code
        except Exception as error:  # the test client re-raises what would be a 500
            status = type(error).__name__
        if status not in (200, 302, 400, 403, 404):
            failures.append((query, status))
    assert not failures, failures


@pytest.mark.parametrize("query", [{"a": "abc"}, {"b": "abc"}, {"a": HUGE}, {"a": "²"}, {"b": "-1"}, {"a": "999999"}])
def test_comparing_versions_that_do_not_exist_is_a_404(admin_client, query):
    article = ArticleFactory()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, query).status_code == 404


@pytest.mark.parametrize("path", ["/", "/actualites/", "/articles/un-article/", "/admin/articles/article/"])
def test_a_nul_byte_in_the_query_string_is_a_400_everywhere(admin_client, path):
    ArticleFactory(slug="un-article")
    response = admin_client.get(path, {"page": "1\x00"})
    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()
    assert admin_client.get(path, {"x\x00": "1"}).status_code == 400


def test_an_admin_action_on_a_nul_id_changes_nothing(admin_client):
    article = ArticleFactory()
    response = admin_client.post(
        reverse("admin:articles_article_changelist"), {"action": "unpublish", "_selected_action": ["\x00"]}
    )
    assert response.status_code in (200, 302, 400)
    article.refresh_from_db()
    assert article.is_published()


@pytest.mark.parametrize(
    "path",
    ["{pk}/history/abc/", "{pk}/history/" + HUGE + "/", "abc/history/", "abc/history/1/", HUGE + "/history/"],
)
def test_version_pages_with_ids_that_are_not_versions_are_a_404(admin_client, path):
    article = ArticleFactory()
    assert admin_client.get("/admin/articles/article/" + path.format(pk=article.pk)).status_code in (302, 404)
