"""`make loadtest`: readers, commenters and editors against the loopback cluster, while it breaks.

For LOADTEST_SECONDS (default 120), through the proxy on :8400:
- anonymous readers open the front page, articles, sections, tags, the news and search;
- signed-in readers (several accounts) read the same pages and post comments, each
  checking that their accepted comment is on the page they get right after (their own
  writes, whatever the replica's lag);
- an editor writes articles in the admin and publishes them.
Meanwhile it kills one application node (SIGKILL, the node and its workers) and starts it
again, stops the replica and starts it again, and restarts Redis (emptied).

At the end it checks every accepted comment is in the primary database. The last line is
the summary: requests R, errors E (5xx S, timeouts T), comments posted P, comments lost L,
p50 X ms, p99 Y ms. Errors are 5xx answers, time-outs, refused connections and any other
unexpected answer; a comment refused by the rate limit (429) is an answer, not an error.
"""

import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "120"))
CHAOS = os.environ.get("LOADTEST_CHAOS", "1") != "0"
ANONYMOUS = int(os.environ.get("LOADTEST_ANONYMOUS", "6"))
READERS = int(os.environ.get("LOADTEST_READERS", "5"))
EDITORS = 1
TIMEOUT = 10
HOST, PORT = "127.0.0.1", cluster.PROXY_PORT
PASSWORD = cluster.DEMO_PASSWORD

SETUP = r"""
import json
from django.contrib.auth.models import Group
from allauth.account.models import EmailAddress
from accounts.models import User
from articles.models import Article, Section, Tag
from comments.models import Comment, ModerationSettings
from comments.rules import comments_closed

readers = []
rules = ModerationSettings.current()
published = [
    article
    for article in Article.objects.published().filter(access="public").order_by("-published_at")[:60]
    if not comments_closed(article, rules)
][:40]
for number in range(1, READERS + 1):
    email = f"loadtest-{number}@example.com"
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": f"Lecteur de charge {number}"})
    if created:
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    # Past the new-commenter threshold, so their comments are published at once.
    for index in range(3 - Comment.objects.filter(author=user, status="published").count()):
        Comment.objects.create(article=published[index], author=user, body=f"Commentaire d'amorce {index}.",
                               status="published")
    readers.append(email)
print(json.dumps({
    "readers": readers,
    "articles": [a.get_absolute_url() for a in Article.objects.published().order_by("-published_at")[:60]],
    "commentable": [a.get_absolute_url() for a in published],
    "sections": [s.get_absolute_url() for s in Section.objects.all()],
    "tags": [t.get_absolute_url() for t in Tag.objects.all()[:20]],
    "source_id": Article.objects.values_list("source_id", flat=True).first(),
    "section_id": Section.objects.values_list("pk", flat=True).first(),
}))
"""


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.requests = 0
        self.server_errors = []  # (seconds since start, status, path)
        self.timeouts = []  # (seconds since start, path)
        self.refused = 0
        self.unexpected = []
        self.rate_limited = 0
        self.comments = []  # (id, author, visible to author at once)
        self.invisible = []  # (seconds since start, id, article)
        self.published = 0
        self.started = time.monotonic()

    def record(self, *, status, elapsed, path, expected=(200, 301, 302, 304)):
        with self.lock:
            self.requests += 1
            self.latencies.append(elapsed)
            if status is None:
                return
            if status >= 500:
                self.server_errors.append((time.monotonic() - self.started, status, path))
            elif status == 429:
                self.rate_limited += 1
            elif status not in expected:
                self.unexpected.append((status, path))


class Forms(HTMLParser):
    """The fields of the forms of a page, with their current values (what a browser would send)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": {}, "selects": {}})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else None
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                fields[attrs["name"]] = attrs.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self.forms[-1]["selects"][self._select] = []
        elif tag == "option" and self._select:
            self.forms[-1]["selects"][self._select].append(attrs.get("value", ""))
            if "selected" in attrs:
                fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


class Browser:
    """One reader: a keep-alive connection to the proxy and a cookie jar."""

    def __init__(self, stats):
        self.stats = stats
        self.cookies = {}
        self.connection = None

    def request(self, method, path, *, body=None, headers=None, expected=(200, 301, 302, 304)):
        headers = {"Host": f"{HOST}:{PORT}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{PORT}{path}"
            headers["Origin"] = f"http://{HOST}:{PORT}"
        started = time.monotonic()
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(HOST, PORT, timeout=TIMEOUT)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except TimeoutError:
                self.close()
                self.stats.record(status=None, elapsed=time.monotonic() - started, path=path)
                with self.stats.lock:
                    self.stats.timeouts.append((time.monotonic() - self.stats.started, path))
                return None, b"", {}
            except (ConnectionError, http.client.HTTPException, OSError):
                # A keep-alive connection the proxy closed: open a new one once.
                self.close()
                if attempt == 2:
                    self.stats.record(status=None, elapsed=time.monotonic() - started, path=path)
                    with self.stats.lock:
                        self.stats.refused += 1
                    return None, b"", {}
        self.stats.record(status=response.status, elapsed=time.monotonic() - started, path=path, expected=expected)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        return response.status, content, dict(response.getheaders())

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def forms(self, path):
        status, content, _headers = self.request("GET", path)
        parser = Forms()
        parser.feed(content.decode(errors="replace"))
        return status, parser.forms

    def sign_in(self, email):
        _status, forms = self.forms("/comptes/login/")
        form = next((f for f in forms if "login" in f["fields"]), None)
        if form is None:
            return False
        fields = {**form["fields"], "login": email, "password": PASSWORD}
        status, _content, _headers = self.request("POST", "/comptes/login/", body=fields)
        return status == 302 and "sessionid" in self.cookies


def read_somewhere(browser, site):
    choice = random.random()
    if choice < 0.55:
        path = random.choice(site["articles"])
    elif choice < 0.7:
        path = "/"
    elif choice < 0.85:
        path = random.choice(site["sections"])
    elif choice < 0.92 and site["tags"]:
        path = random.choice(site["tags"])
    elif choice < 0.97:
        path = f"/recherche/?{urlencode({'q': search_words(site)})}"
    else:
        path = "/actualites/"
    browser.request("GET", path)


def search_words(site):
    """What a reader types in the search box: a word or two of an article's address."""
    words = [word for word in random.choice(site["articles"]).strip("/").split("/")[-1].split("-") if len(word) > 4]
    return " ".join(random.sample(words, min(len(words), random.choice((1, 2))))) or "actualite"


def anonymous_reader(stats, site, deadline):
    browser = Browser(stats)
    while time.monotonic() < deadline:
        read_somewhere(browser, site)


def signed_in_reader(stats, site, deadline, email, number):
    browser = Browser(stats)
    while not browser.sign_in(email):
        if time.monotonic() > deadline:
            return
        time.sleep(1)
    next_comment = time.monotonic() + random.uniform(2, 8)
    sent = 0
    while time.monotonic() < deadline:
        if time.monotonic() < next_comment:
            read_somewhere(browser, site)
            time.sleep(random.uniform(0.05, 0.2))  # a reader reads, a little
            continue
        article = random.choice(site["commentable"])
        sent += 1
        text = f"Avis de charge n°{sent} du lecteur {number}, à {time.time():.3f}."
        _status, form_page, _headers = browser.request("GET", article)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form_page)
        if not token:
            next_comment = time.monotonic() + 2
            continue
        status, content, _headers = browser.request(
            "POST",
            f"/commentaires{article}",
            body={"text": text, "csrfmiddlewaretoken": token.group(1).decode()},
            headers={"Accept": "application/json"},
            expected=(200, 400, 429),
        )
        if status == 200:
            comment_id = json.loads(content)["id"]
            _status, page, _headers = browser.request("GET", article)
            visible = f'id="commentaire-{comment_id}"'.encode() in page
            with stats.lock:
                stats.comments.append((comment_id, email, visible))
                if not visible:
                    stats.invisible.append((time.monotonic() - stats.started, comment_id, article))
        next_comment = time.monotonic() + random.uniform(11, 16)  # the rate limit: one per 10 s


def editor(stats, site, deadline):
    browser = Browser(stats)
    while not browser.sign_in("editor@example.com"):
        if time.monotonic() > deadline:
            return
        time.sleep(1)
    number = 0
    while time.monotonic() < deadline:
        number += 1
        stamp = f"{int(time.time())}-{number}"
        status, forms = browser.forms("/admin/articles/article/add/")
        form = next((f for f in forms if "title" in f["fields"]), None)
        if form is None:
            time.sleep(2)
            continue
        fields = dict(form["fields"])
        for name, options in form["selects"].items():
            if not fields.get(name) and name in ("source", "section"):
                fields[name] = next((value for value in options if value), "")
        fields.update(
            title=f"Dépêche de charge {stamp}",
            slug=f"depeche-de-charge-{stamp}",
            standfirst="Un article écrit pendant le test de charge.",
            body="Premier paragraphe.\n\nDeuxième paragraphe, publié pendant le test.",
            _continue="1",  # back to the article's own page, where it is published
        )
        status, _content, headers = browser.request("POST", "/admin/articles/article/add/", body=fields)
        location = headers.get("Location", "")
        match = re.search(r"/article/(\d+)/", location)
        if status != 302 or not match:
            time.sleep(3)
            continue
        change = f"/admin/articles/article/{match.group(1)}/change/"
        _status, forms = browser.forms(change)
        form = next((f for f in forms if "title" in f["fields"]), None)
        if form is None:
            continue
        status, content, headers = browser.request("POST", change, body={**form["fields"], "_step": "publish"})
        if status == 200 and b"publier/" in content:  # warnings: "publish anyway"
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
            status, _content, _headers = browser.request(
                "POST", f"/admin/articles/article/{match.group(1)}/publier/", body={"csrfmiddlewaretoken": token}
            )
        if status == 302:
            with stats.lock:
                stats.published += 1
        time.sleep(random.uniform(4, 8))


def chaos(deadline, started, events):
    """Break the cluster on a timetable; each step logged with its time."""
    env = cluster.site_environment()
    state = cluster.state()
    victim = 2 if state.get("nodes", 2) >= 2 else 1
    plan = [
        (0.20, f"kill node {victim} (SIGKILL)", lambda: cluster.terminate(f"node-{victim}", sig=9, group=True)),
        (0.32, f"start node {victim}", lambda: cluster.start_node(victim, env)),
        (0.45, "stop the replica", lambda: cluster.stop_postgres("pg-replica")),
        (0.60, "start the replica", cluster.start_replica),
        (0.75, "restart Redis", lambda: (cluster.terminate("redis"), cluster.start_redis())),
    ]
    for fraction, label, action in plan:
        moment = started + fraction * SECONDS
        while time.monotonic() < moment:
            time.sleep(0.2)
        if time.monotonic() > deadline:
            return
        action()
        events.append((time.monotonic() - started, label))
        print(f"  {time.monotonic() - started:6.1f} s  {label}", flush=True)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def comments_in_database(ids):
    if not ids:
        return set()
    query = f"SELECT id FROM comments_comment WHERE id IN ({','.join(str(int(i)) for i in ids)})"  # noqa: S608
    output = subprocess.run(
        [str(cluster.PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(cluster.PRIMARY_PORT), "-U", "postgres",
         "-d", cluster.DATABASE, "-tAc", query],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {int(line) for line in output.split()}


def main():
    try:
        cluster.wait_for_port(PORT, timeout=1, name="the cluster's proxy")
    except SystemExit:
        raise SystemExit("loadtest: no cluster answers on :8400; start it with `make cluster`") from None
    env = cluster.site_environment()
    setup = SETUP.replace("READERS", str(READERS)).replace("PASSWORD", repr(PASSWORD))
    output = subprocess.run(
        [cluster.PYTHON, "manage.py", "shell", "-c", setup], cwd=cluster.ROOT, env=env, capture_output=True, text=True
    )
    if output.returncode:
        raise SystemExit(f"loadtest: setting up the accounts failed:\n{output.stderr}")
    site = json.loads(output.stdout.strip().splitlines()[-1])
    print(
        f"loadtest: {SECONDS} s against http://{HOST}:{PORT}/ with {ANONYMOUS} anonymous readers, "
        f"{READERS} signed-in readers (commenting), {EDITORS} editor (publishing); reading articles, lists and search",
        flush=True,
    )
    stats = Stats()
    started = stats.started
    deadline = started + SECONDS
    threads = [threading.Thread(target=anonymous_reader, args=(stats, site, deadline)) for _ in range(ANONYMOUS)]
    threads += [
        threading.Thread(target=signed_in_reader, args=(stats, site, deadline, email, number))
        for number, email in enumerate(site["readers"], start=1)
    ]
    threads.append(threading.Thread(target=editor, args=(stats, site, deadline)))
    for thread in threads:
        thread.daemon = True
        thread.start()
    events = []
    if CHAOS:
        chaos(deadline, started, events)
    for thread in threads:
        thread.join(timeout=SECONDS + 30)

    ids = [comment_id for comment_id, _author, _visible in stats.comments]
    stored = comments_in_database(ids)
    lost = len(set(ids) - stored)
    invisible = sum(1 for _id, _author, visible in stats.comments if not visible)
    errors = len(stats.server_errors) + len(stats.timeouts) + stats.refused + len(stats.unexpected)
    for moment, status, path in stats.server_errors[:20]:
        print(f"  {moment:6.1f} s  {status} {path}")
    for moment, path in stats.timeouts[:20]:
        print(f"  {moment:6.1f} s  time-out {path}")
    for moment, comment_id, path in stats.invisible[:20]:
        print(f"  {moment:6.1f} s  comment {comment_id} not on its author's next page {path}")
    for status, path in stats.unexpected[:10]:
        print(f"  unexpected {status} {path}")
    print(
        f"articles published by the editor: {stats.published}; comments refused by the rate limit: "
        f"{stats.rate_limited}; accepted comments not on their author's next page: {invisible}; "
        f"refused connections: {stats.refused}; unexpected answers: {len(stats.unexpected)}"
    )
    print(
        f"requests {stats.requests}, errors {errors} (5xx {len(stats.server_errors)}, timeouts {len(stats.timeouts)}), "
        f"comments posted {len(ids)}, comments lost {lost}, "
        f"p50 {percentile(stats.latencies, 0.5) * 1000:.0f} ms, p99 {percentile(stats.latencies, 0.99) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
