"""`make cluster`: the production topology on loopback, from the project's own files.

    nginx :8400 (edge cache, static files, load balancing)
      └─ gunicorn nodes :8401, :8402, … (each with its background worker)
           ├─ PostgreSQL primary :5440  ──streaming──▶  replica :5441
           └─ Redis :6390 (cache, sessions, rate limits)

Everything it starts lives under `.cluster/` (data, logs, pid files); `stop` stops exactly
what `start` started, by the pids it wrote, and PostgreSQL with its own `pg_ctl`.

    python scripts/cluster.py start [--nodes N]   # default 2
    python scripts/cluster.py stop
    python scripts/cluster.py status
    python scripts/cluster.py node-stop N | node-start N      # used by the load test
    python scripts/cluster.py replica-stop | replica-start
    python scripts/cluster.py redis-restart
"""

import argparse
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".cluster"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PROXY_PORT = 8400
NODE_PORTS = [8401, 8402, 8403, 8404]
PRIMARY_PORT, REPLICA_PORT, REDIS_PORT = 5440, 5441, 6390
DATABASE = "newsreader"
DEMO_PASSWORD = "cluster-demo-2026"
WORKERS_PER_NODE = int(os.environ.get("CLUSTER_WORKERS_PER_NODE", "2"))
PYTHON = sys.executable


def say(message):
    print(f"cluster: {message}", flush=True)


# PostgreSQL refuses to run as root: there, its commands run as the `postgres` account.
def as_postgres(command):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def chown_to_postgres(path):
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(path, account.pw_uid, account.pw_gid)


def wait_for_port(port, *, timeout=30, name="service"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"cluster: {name} did not answer on port {port} (logs in {RUN / 'log'})")


def port_is_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


# Processes we start ourselves: one pid file each, so `stop` ends only them.
def spawn(name, command, *, env=None, cwd=ROOT):
    with open(RUN / "log" / f"{name}.log", "ab") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    (RUN / "pids" / f"{name}.pid").write_text(str(process.pid))
    return process.pid


def running_pid(name):
    path = RUN / "pids" / f"{name}.pid"
    if not path.exists():
        return None
    pid = int(path.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        path.unlink()
        return None
    return pid


def terminate(name, *, sig=signal.SIGTERM, timeout=20, group=False):
    """Stop one process we started; `group` kills its children with it (a node's workers)."""
    pid = running_pid(name)
    if pid is None:
        return False
    if group:
        os.killpg(pid, sig)  # started with its own session: the group is the node and its workers only
    else:
        os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        with contextlib.suppress(ChildProcessError):  # our own child (node-start from here): reap it
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    (RUN / "pids" / f"{name}.pid").unlink(missing_ok=True)
    return True


def secret_key():
    path = RUN / "secret-key"
    if not path.exists():
        alphabet = string.ascii_letters + string.digits
        path.write_text("".join(secrets.choice(alphabet) for _ in range(64)))
        path.chmod(0o600)
    return path.read_text().strip()


def site_environment():
    """What every node reads: production settings, pointed at the loopback services."""
    env = dict(os.environ)
    # Compiled modules are kept, so a node that restarts is serving in a second, not after
    # compiling Django again in every worker.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="newsreader.settings.production",
        DJANGO_SECRET_KEY=secret_key(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/{DATABASE}",
        DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{DATABASE}",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        EMAIL_URL="console://",
        DJANGO_MEDIA_ROOT=str(RUN / "media"),
        NEWSREADER_SITE_URL=f"http://127.0.0.1:{PROXY_PORT}",
        NEWSREADER_EDGE_PURGE_URL=f"http://127.0.0.1:{PROXY_PORT}/_edge/purge",
        # Plain HTTP on loopback: the TLS settings are for the real deployment (README).
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        # The load test's editors publish through the admin without a second factor.
        NEWSREADER_STAFF_REQUIRE_MFA="0",
    )
    return env


def manage(*args, env, quiet=True):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL if quiet else None
    )


# PostgreSQL ------------------------------------------------------------------------


def pg_ctl(data, action, *extra):
    command = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(RUN / "log" / f"{data.name}.log"), "-w", action]
    subprocess.run(as_postgres([*command, *extra]), check=True, stdout=subprocess.DEVNULL)


def pg_running(data):
    return (data / "postmaster.pid").exists()


def start_primary():
    data = RUN / "pg-primary"
    if not data.exists():
        say("creating the PostgreSQL primary (initdb)")
        data.mkdir(mode=0o700)
        chown_to_postgres(data)
        subprocess.run(
            as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\n# newsreader cluster\nport = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{RUN / 'sockets'}'\n"
                "wal_level = replica\nmax_wal_senders = 5\nwal_keep_size = 256MB\nhot_standby = on\n"
                "max_connections = 200\nshared_buffers = 256MB\njit = off\n"
                "synchronous_commit = on\nfsync = on\n"
            )
        with open(data / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
    if not pg_running(data):
        say(f"starting the PostgreSQL primary on {PRIMARY_PORT}")
        pg_ctl(data, "start")
    exists = subprocess.run(
        [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],  # noqa: S608 (a constant)
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", DATABASE],
            check=True,
        )


def start_replica():
    data = RUN / "pg-replica"
    if not (data / "PG_VERSION").exists():
        say("creating the streaming replica (pg_basebackup -R)")
        data.mkdir(mode=0o700, exist_ok=True)
        chown_to_postgres(data)
        subprocess.run(
            as_postgres(
                [str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
                 "-D", str(data), "-R", "-X", "stream", "-c", "fast"]
            ),
            check=True,
        )  # fmt: skip
        with open(data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {REPLICA_PORT}\n")
    if not pg_running(data):
        say(f"starting the replica on {REPLICA_PORT}")
        pg_ctl(data, "start")


def stop_postgres(name):
    data = RUN / name
    if data.exists() and pg_running(data):
        say(f"stopping PostgreSQL {name}")
        pg_ctl(data, "stop", "-m", "fast")


# Redis, nodes, workers, nginx -------------------------------------------------------


def start_redis():
    if running_pid("redis"):
        return
    if not port_is_free(REDIS_PORT):
        raise SystemExit(f"cluster: port {REDIS_PORT} is taken by something this cluster did not start")
    say(f"starting Redis on {REDIS_PORT}")
    # Nothing in it needs to outlive a restart: no snapshot, no append-only file.
    spawn(
        "redis",
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru", "--dir", str(RUN)],
    )  # fmt: skip
    wait_for_port(REDIS_PORT, name="Redis")


def start_node(number, env):
    """A node: gunicorn and its background worker. `--preload` loads the site before the
    port opens, so the proxy never sends a reader to a node that cannot answer yet."""
    name = f"node-{number}"
    if running_pid(name):
        return
    port = NODE_PORTS[number - 1]
    spawn(
        name,
        [str(Path(PYTHON).parent / "gunicorn"), "newsreader.wsgi", f"--workers={WORKERS_PER_NODE}", "--preload",
         f"--bind=127.0.0.1:{port}", "--log-level=warning", "--graceful-timeout=10",
         f"--access-logfile={RUN / 'log' / f'{name}-access.log'}"],
        env=env,
    )  # fmt: skip
    if not running_pid(f"worker-{number}"):
        spawn(f"worker-{number}", [PYTHON, "manage.py", "db_worker"], env=env)
    wait_for_port(port, name=name)
    warm_up([number])


def render_nginx(nodes):
    cache = RUN / "nginx" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    (RUN / "nginx" / "temp").mkdir(exist_ok=True)
    servers = "\n".join(
        f"    server 127.0.0.1:{NODE_PORTS[n]} max_fails=1 fail_timeout=5s;" for n in range(len(NODE_PORTS))
    )
    # Nodes that are not started in this run are marked down (kept so `scale` can add them).
    lines = servers.splitlines()
    servers = "\n".join(line if n < nodes else line.replace(";", " down;") for n, line in enumerate(lines))
    site = (ROOT / "deploy" / "nginx" / "newsreader.conf.template").read_text()
    values = {
        "CACHE_DIR": str(cache),
        "UPSTREAM_SERVERS": servers,
        "LISTEN": f"127.0.0.1:{PROXY_PORT}",
        "SERVER_NAME": "127.0.0.1 localhost",
        "ACCESS_LOG": str(RUN / "log" / "nginx-access.log"),
        "STATIC_ROOT": str(ROOT / "staticfiles"),
        "MEDIA_ROOT": str(RUN / "media"),
        "FORWARDED_PROTO": "$scheme",
    }
    for key, value in values.items():
        site = site.replace("${" + key + "}", value)
    user = "user www-data;\n" if os.geteuid() == 0 else ""
    temp = RUN / "nginx" / "temp"
    main = (
        f"{user}worker_processes 1;\npid {RUN / 'pids' / 'nginx.master.pid'};\n"
        f"error_log {RUN / 'log' / 'nginx-error.log'} warn;\n"
        "load_module /usr/lib/nginx/modules/ngx_http_cache_purge_module.so;\n"
        "daemon off;\nevents { worker_connections 4096; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        "  sendfile on;\n  tcp_nopush on;\n  keepalive_timeout 65;\n  server_tokens off;\n"
        "  gzip on;\n  gzip_types text/css application/javascript image/svg+xml application/json;\n"
        f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
        + "".join(f"  {line}\n" for line in site.splitlines())
        + "}\n"
    )
    path = RUN / "nginx" / "nginx.conf"
    path.write_text(main)
    if os.geteuid() == 0:
        account = pwd.getpwnam("www-data")
        for folder in (cache, temp):
            for directory, _dirs, _files in os.walk(folder):
                os.chown(directory, account.pw_uid, account.pw_gid)
    return path


def start_nginx(nodes):
    if running_pid("nginx"):
        return
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("cluster: nginx is missing (scripts/system-deps cluster installs it as root)")
    config = render_nginx(nodes)
    subprocess.run(["/usr/sbin/nginx", "-t", "-q", "-c", str(config), "-p", str(RUN / "nginx")], check=True)
    say(f"starting nginx on {PROXY_PORT}")
    spawn("nginx", ["/usr/sbin/nginx", "-c", str(config), "-p", str(RUN / "nginx")])
    wait_for_port(PROXY_PORT, name="nginx")


def warm_up(numbers):
    """A first request per worker loads the code and the templates, not a reader's."""
    from urllib.request import urlopen

    for number in numbers:
        for path in ("/", "/actualites/", "/comptes/login/") * WORKERS_PER_NODE:
            with contextlib.suppress(OSError), urlopen(f"http://127.0.0.1:{NODE_PORTS[number - 1]}{path}", timeout=30):
                pass


def state():
    path = RUN / "state.json"
    return json.loads(path.read_text()) if path.exists() else {}


# Commands ---------------------------------------------------------------------------


def start(nodes):
    for folder in ("log", "pids", "sockets", "media"):
        (RUN / folder).mkdir(parents=True, exist_ok=True)
    chown_to_postgres(RUN / "sockets")
    if os.geteuid() == 0:
        # PostgreSQL (as `postgres`) writes its logs here; nginx (as www-data) reads the media.
        os.chmod(RUN / "log", 0o777)  # noqa: S103 (loopback tooling, a folder of logs)
        os.chmod(RUN / "media", 0o755)  # noqa: S103
    (RUN / "state.json").write_text(json.dumps({"nodes": nodes}))
    start_primary()
    start_replica()
    start_redis()
    env = site_environment()
    say("migrating, collecting static files, loading the demo content")
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    manage("compilemessages", "--ignore=.venv", "-v", "0", env=env)
    manage("seed_demo", "--password", DEMO_PASSWORD, env=env)
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c",
         "from django.contrib.sites.models import Site; "
         f"Site.objects.filter(pk=1).update(domain='127.0.0.1:{PROXY_PORT}')"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    for number in range(1, nodes + 1):
        say(f"starting node {number} on {NODE_PORTS[number - 1]} ({WORKERS_PER_NODE} workers) and its worker")
        start_node(number, env)
    start_nginx(nodes)
    say(f"ready: http://127.0.0.1:{PROXY_PORT}/  (demo accounts' password: {DEMO_PASSWORD})")
    say("stop it with `make cluster-stop`; logs in .cluster/log/")


def stop():
    for name in sorted(path.stem for path in (RUN / "pids").glob("*.pid")) if (RUN / "pids").exists() else []:
        if name == "nginx.master":
            continue
        if terminate(name):
            say(f"stopped {name}")
    stop_postgres("pg-replica")
    stop_postgres("pg-primary")


def status():
    names = sorted(path.stem for path in (RUN / "pids").glob("*.pid")) if (RUN / "pids").exists() else []
    for name in names:
        if name != "nginx.master":
            print(f"{name:<12} {'running' if running_pid(name) else 'stopped'}")
    for data in ("pg-primary", "pg-replica"):
        print(f"{data:<12} {'running' if pg_running(RUN / data) else 'stopped'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "command",
        choices=["start", "stop", "status", "node-stop", "node-kill", "node-start",
                 "replica-stop", "replica-start", "redis-restart"],
    )  # fmt: skip
    parser.add_argument("number", nargs="?", type=int)
    parser.add_argument("--nodes", type=int, default=int(os.environ.get("CLUSTER_NODES", "2")))
    args = parser.parse_args()
    if args.command == "start":
        if not 1 <= args.nodes <= len(NODE_PORTS):
            raise SystemExit(f"cluster: between 1 and {len(NODE_PORTS)} nodes")
        start(args.nodes)
    elif args.command == "stop":
        stop()
    elif args.command == "status":
        status()
    elif args.command == "node-kill":
        terminate(f"node-{args.number}", sig=signal.SIGKILL, group=True)
    elif args.command == "node-stop":
        terminate(f"node-{args.number}")
    elif args.command == "node-start":
        start_node(args.number, site_environment())
    elif args.command == "replica-stop":
        stop_postgres("pg-replica")
    elif args.command == "replica-start":
        start_replica()
    elif args.command == "redis-restart":
        terminate("redis")
        start_redis()


if __name__ == "__main__":
    main()
