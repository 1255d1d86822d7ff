"""`make bench`: serve the demo site with gunicorn on loopback and load it with wrk.

Prints, for each page (search and the site's feed included): requests/second, p50/p99
latency, SQL queries and HTML bytes. `scripts/bench_search.py` measures search alone,
in process, on an archive of any size.
Production settings throughout (debug off, cached templates, Redis when one answers on
127.0.0.1:6379); a throw-away SQLite database under bench-results/ unless DATABASE_URL is set.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
WORKERS = os.environ.get("BENCH_WORKERS", "2")  # one per core: measured best here (2: 190, 3: ~160, 4: 173 req/s)
PASSWORD = "bench-password-2026"


def redis_answers():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def environment():
    RESULTS.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="newsreader.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_URL="smtp://127.0.0.1:25",
        DJANGO_MEDIA_ROOT=str(RESULTS / "media"),
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{RESULTS / 'bench.sqlite3'}")
    if "REDIS_URL" not in env and redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


PROBE = r"""
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from articles.models import Article

public = Article.objects.published().filter(access="public").order_by("-published_at").first()
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(email="reader@example.com"))
session = client.cookies["sessionid"].value
pages = {
    "front page": "/",
    "article": public.get_absolute_url(),
    "section": public.section.get_absolute_url(),
    "search": "/recherche/?q=elections",
    "feed": "/flux/rss/",
}
report = {"session": session, "pages": {}}
from infrastructure.scopes import SITE, content_changed
anonymous = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
for name, url in pages.items():
    for who, c in (("anonymous", anonymous), ("signed-in reader", client)):
        counts = []
        content_changed(SITE)  # cold: nothing cached; then warm: what a steady stream of readers costs
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)
            counts.append(len(queries))
        report["pages"][f"{name} ({who})"] = {
            "url": url, "queries": "/".join(map(str, counts)), "bytes": len(response.content), "who": who
        }
print(json.dumps(report))
"""


def probe(env):
    import json

    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"Could not probe the pages:\n{result.stderr}")
    output = result.stdout
    return json.loads(output.strip().splitlines()[-1])


def wait_for_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def to_ms(value):
    number, unit = float(re.match(r"[\d.]+", value).group()), re.sub(r"[\d.]+", "", value)
    return number * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def run_wrk(url, cookie=None):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-H", "X-Forwarded-Proto: https"]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `apt-get install wrk` (make system-deps does it where it can).")
    env = environment()
    print(f"Database: {env['DATABASE_URL'].split('@')[-1]}  cache: {env.get('REDIS_URL', 'local memory')}")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "seed_demo", "--password", PASSWORD)
    report = probe(env)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "newsreader.wsgi",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    lines = []
    try:
        wait_for_port(PORT)
        header = f"{'page':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>9} {'bytes':>8} {'errors':>7}"
        print(header)
        lines.append(header)
        for name, page in report["pages"].items():
            url = f"http://127.0.0.1:{PORT}{page['url']}"
            cookie = report["session"] if page["who"] != "anonymous" else None
            run_wrk(url, cookie)  # warm up: templates, connections, page cache
            rps, p50, p99, errors = run_wrk(url, cookie)
            line = f"{name:<34} {rps:>8.0f} {p50:>8.1f} {p99:>8.1f} {page['queries']:>9} {page['bytes']:>8} {errors:>7}"
            print(line, flush=True)
            lines.append(line)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    (RESULTS / "latest.txt").write_text("\n".join(lines) + "\n")
    print("queries: cold (nothing cached) / warm (steady traffic)")
    print(f"({WORKERS} gunicorn workers, wrk -t2 -c{CONNECTIONS} -d{DURATION}; saved to bench-results/latest.txt)")


if __name__ == "__main__":
    main()
