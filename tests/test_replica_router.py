"""Reads go to the replica only for a reader's page views, and never right after they wrote."""

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory

from infrastructure import replica
from infrastructure.replica import (
    PIN_COOKIE,
    PrimaryReplicaRouter,
    ReadYourWritesMiddleware,
    ReplicaHealth,
    replica_reads,
    replication_lag,
)

from .factories import ArticleFactory, UserFactory


class FixedHealth(ReplicaHealth):
    """A replica whose state the test decides (the real check needs a streaming replica)."""

    def __init__(self, healthy):
        super().__init__(interval=0)
        self.answer = healthy

    def _check(self):
        return (True, "") if self.answer else (False, "test")


@pytest.fixture
def with_replica(settings, monkeypatch):
    settings.NEWSREADER_READ_FROM_REPLICA = True
    settings.NEWSREADER_READ_YOUR_WRITES_SECONDS = 10
    health = FixedHealth(True)
    monkeypatch.setattr(replica, "health", health)
    return health


def database_seen_by(request):
    """Which database the router picks for reads while `request` is being served."""
    seen = {}

    def view(request):
        seen["db"] = PrimaryReplicaRouter().db_for_read(None)
        return HttpResponse("ok")

    response = ReadYourWritesMiddleware(view)(request)
    return seen["db"], response


def test_a_page_view_reads_from_the_replica(with_replica):
    assert database_seen_by(RequestFactory().get("/"))[0] == "replica"


def test_outside_a_request_everything_reads_from_the_primary(with_replica):
    assert replica_reads.get() is False
    assert PrimaryReplicaRouter().db_for_read(None) == "default"
    assert PrimaryReplicaRouter().db_for_write(None) == "default"


def test_a_post_reads_from_the_primary_and_pins_the_reader(with_replica):
    db, response = database_seen_by(RequestFactory().post("/commentaires/articles/x/"))
    assert db == "default"
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == 10 and pin["httponly"]
    # Their next page views read from the primary: they see what they just wrote.
    after = RequestFactory().get("/")
    after.COOKIES[PIN_COOKIE] = pin.value
    assert database_seen_by(after)[0] == "default"


def test_a_forged_or_expired_pin_does_not_pin(with_replica, settings):
    forged = RequestFactory().get("/")
    forged.COOKIES[PIN_COOKIE] = "1:forged:signature"
    assert database_seen_by(forged)[0] == "replica"

    _db, response = database_seen_by(RequestFactory().post("/"))
    settings.NEWSREADER_READ_YOUR_WRITES_SECONDS = -1  # the pin's few seconds are over
    expired = RequestFactory().get("/")
    expired.COOKIES[PIN_COOKIE] = response.cookies[PIN_COOKIE].value
    assert database_seen_by(expired)[0] == "replica"


def test_a_replica_that_is_down_or_lags_is_left_aside(with_replica):
    with_replica.answer = False
    assert database_seen_by(RequestFactory().get("/"))[0] == "default"
    with_replica.answer = True
    assert database_seen_by(RequestFactory().get("/"))[0] == "replica"


def test_without_a_replica_nothing_changes(settings):
    settings.NEWSREADER_READ_FROM_REPLICA = False
    db, response = database_seen_by(RequestFactory().post("/"))
    assert db == "default"
    assert PIN_COOKIE not in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("page_cache_seconds", [0, 60], ids=["in the view", "in the page cache's middleware"])
def test_a_page_whose_replica_dies_mid_request_is_served_from_the_primary(
    with_replica, monkeypatch, settings, page_cache_seconds
):
    """The first query of the page fails as on a killed replica; the page comes from the primary."""
    settings.NEWSREADER_PAGE_CACHE_SECONDS = page_cache_seconds
    client = Client(raise_request_exception=False)  # the failure is handled, not raised
    article = ArticleFactory(title="Toujours servi")
    failed = []

    def replica_dies(execute, sql, params, many, context):
        if replica_reads.get() and not failed:
            failed.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    monkeypatch.setattr(replica, "REPLICA", "default")  # one test database plays both parts
    with connection.execute_wrapper(replica_dies):
        response = client.get(article.get_absolute_url())
    assert failed
    assert response.status_code == 200
    assert "Toujours servi" in response.content.decode()
    assert not with_replica.healthy


@pytest.mark.django_db
def test_a_server_that_is_not_a_streaming_replica_is_not_used():
    """The real check, on the test database: it is a primary, not a replica."""
    if connection.vendor != "postgresql":
        pytest.skip("replication exists on PostgreSQL only")
    assert replication_lag(replica=connection, primary=connection) is None


@pytest.mark.django_db
def test_postgresql_jit_is_off():
    """JIT compilation doubled the cost of several page queries (milliseconds each)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_the_reads_every_signed_in_page_makes_are_prepared_on_postgresql(client):
    """`infrastructure.sql`: planned once per connection, not on every page (PostgreSQL's
    CPU per statement 0.15 → 0.06 ms here); Django's own queries are never prepared."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    article = ArticleFactory()
    client.force_login(UserFactory())
    for _ in range(6):
        assert client.get(article.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("has_verified_email" in statement for statement in prepared)
    assert any("saved_savedarticle" in statement for statement in prepared)
    assert not any("articles_article" in statement for statement in prepared)


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_died_between_pages_is_replaced_before_the_readers_first_read(client):
    """The prepared reads (`infrastructure.sql`) go through Django's per-request health check
    like any query: a database restart between two pages costs no reader a 500."""
    if connection.vendor != "postgresql":
        pytest.skip("persistent connections are PostgreSQL's here")
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    article = ArticleFactory()
    client.force_login(UserFactory())
    assert client.get(article.get_absolute_url()).status_code == 200
    connection.connection.close()  # as a restarted server leaves it
    connection.health_check_done = False  # a new request (the test client skips the signal)
    assert client.get(article.get_absolute_url()).status_code == 200
