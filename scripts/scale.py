"""`make scale`: throughput of the signed-in article page with 1, 2 and 3 application nodes.

Runs against the loopback cluster (`make cluster`): for each node count it reconfigures
the proxy, loads the page with wrk through it (a signed-in reader: no edge or page cache
can answer), and measures the CPU each part spent per request (gunicorn nodes,
PostgreSQL primary and replica, nginx) from /proc. From those costs it projects the
throughput of N nodes on machines with more cores, and where the database saturates.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster
from loadtest import Browser, Stats

DURATION = os.environ.get("SCALE_DURATION", "15s")
CONNECTIONS = os.environ.get("SCALE_CONNECTIONS", "32")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """CPU time of these processes; the first one's also counts its children that exited
    (PostgreSQL's backends come and go with connections)."""
    total = 0
    for index, pid in enumerate(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if index == 0:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime: children reaped
    return total / TICKS


def children_of(parent):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(Path(entry, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if ppid == parent:
                found.append(int(entry.name))
    return found


def group(pid):
    return [pid, *children_of(pid)] if pid else []


def postgres_pids(name):
    pidfile = cluster.RUN / name / "postmaster.pid"
    if not pidfile.exists():
        return []
    return group(int(pidfile.read_text().split()[0]))


def parts(nodes):
    return {
        "nodes": [p for n in range(1, nodes + 1) for p in group(cluster.running_pid(f"node-{n}"))],
        "primary": postgres_pids("pg-primary"),
        "replica": postgres_pids("pg-replica"),
        "nginx": group(cluster.running_pid("nginx")),
    }


def reload_proxy(nodes):
    cluster.render_nginx(nodes)
    os.kill(cluster.running_pid("nginx"), signal.SIGHUP)
    time.sleep(1.5)


def wrk(url, cookie):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-H", f"Cookie: {cookie}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return requests, rps, p99, int(errors.group(1)) if errors else 0


def main():
    cluster.wait_for_port(cluster.PROXY_PORT, timeout=1, name="the cluster's proxy (make cluster)")
    env = cluster.site_environment()
    for number in (1, 2, 3):
        cluster.start_node(number, env)
    browser = Browser(Stats())
    if not browser.sign_in("reader@example.com"):
        raise SystemExit("scale: could not sign in")
    _status, front, _headers = browser.request("GET", "/")
    article = re.search(rb'href="(/articles/[^"/]+/)"', front).group(1).decode()
    url = f"http://127.0.0.1:{cluster.PROXY_PORT}{article}"
    # What the reader's browser sends: the session and the CSRF cookie the pages set.
    sent = ("sessionid", "csrftoken")
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items() if name in sent)
    print(f"scale: signed-in article page {article}, wrk -t2 -c{CONNECTIONS} -d{DURATION} through nginx")
    print(f"{'nodes':>5} {'req/s':>8} {'p99':>9} {'errors':>7}  CPU ms per request: nodes / primary / replica / nginx")
    costs = []
    for nodes in (1, 2, 3):
        reload_proxy(nodes)
        wrk(url, cookie)  # warm up: templates, connections, fragments
        before = {name: cpu_seconds(pids) for name, pids in parts(nodes).items()}
        requests, rps, p99, errors = wrk(url, cookie)
        after = {name: cpu_seconds(pids) for name, pids in parts(nodes).items()}
        per_request = {name: (after[name] - before[name]) * 1000 / max(requests, 1) for name in before}
        costs.append(per_request)
        print(
            f"{nodes:>5} {rps:>8.0f} {p99:>9} {errors:>7}  "
            + " / ".join(f"{per_request[name]:.2f}" for name in ("nodes", "primary", "replica", "nginx"))
        )
    reload_proxy(cluster.state().get("nodes", 2))
    for number in (3, 2):
        if number > cluster.state().get("nodes", 2):
            cluster.terminate(f"node-{number}")
            cluster.terminate(f"worker-{number}")
    app = sum(c["nodes"] for c in costs) / len(costs)
    database = sum(c["primary"] + c["replica"] for c in costs) / len(costs)
    print(
        f"projection: {app:.1f} ms of application CPU and {database:.1f} ms of database CPU per request; "
        f"one application core serves ~{1000 / app:.0f} req/s, so N nodes of 2 cores ~{2000 / app:.0f}·N req/s; "
        f"a database host of C cores saturates near {1000 / database:.0f}·C req/s "
        f"(~{1000 / database / (1000 / app):.1f} application cores per database core)"
    )


if __name__ == "__main__":
    main()
