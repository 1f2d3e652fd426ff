#!/usr/bin/env python3
"""make bench-coordinator: how the coordinator's own cost grows with the number of client workers.

For each worker count (10, 50, 200 by default) this writes a one-cell topology — the builtin
gRPC server and `workers: N` client workers on this machine, CONNS connections and a fixed open-loop
rate per worker, so the machine is never saturated and the figures are the coordinator's, not a
starved scheduler's — runs `barrage launch` on it and measures, from outside:

  * the coordinator's own CPU time: utime + stime of the `barrage launch` process itself, read from
    /proc/PID/stat after it exited but before it is reaped (waitid WNOWAIT), so its workers' CPU
    (cutime/cstime, or what wait4's rusage would add) is not in it;
  * the time from the cell's last mark to its results written: the last `.close` mark is the
    largest window end_ms of all node files (each worker stamps it on CLOCK_MONOTONIC when the
    mark reaches it, the clock Python's time.monotonic() reads on the same machine), the results
    written is the newest modification time of nodes/<cell>/*.json (converted from the wall clock
    with an offset taken at start);
  * the coordinator's CPU inside that interval (from its threads' /proc schedstat, in ns, polled),
    and how that interval splits: until the last worker process exited (the coordinator waits
    for every exit before it writes; polled every 20 ms) and from there to the files written;
  * its peak open fds and peak RSS (VmHWM);
  * the totals: the cell's requests against the sum of every worker file's requests, connections
    established against asked, one node file per worker.

It prints one table; a wrong total exits 1. Environment: BARRAGE_BIN (default the release build),
BENCH_WORKERS ("10,50,200"), BENCH_CONNS (connections per worker, 2), BENCH_RATE (req/s per worker,
50), BENCH_WARMUP (s, 2), BENCH_DURATION (s, 5), BENCH_KEEP=1 keeps the results folders.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BARRAGE = os.environ.get("BARRAGE_BIN") or os.path.join(ROOT, ".build", "release", "barrage")
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "10,50,200").split(",")]
CONNS = int(os.environ.get("BENCH_CONNS", "2"))
RATE = float(os.environ.get("BENCH_RATE", "50"))
WARMUP_S = float(os.environ.get("BENCH_WARMUP", "2"))
DURATION_S = float(os.environ.get("BENCH_DURATION", "5"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
POLL_S = 0.02
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

TOPOLOGY = """\
# Written by bench/coordinator_scale.py: {workers} client workers on this machine.
name: coordinator-scale-{workers}
hosts:
  local: {{}}
systems:
  - name: builtin
    container: builtin
server:
  host: local
  port: 0
clients:
  - host: local
    workers: {workers}
    threads: 1
workload:
  protocol: grpc
  call: unary
  payload: 64B
  connections: [{connections}]
  concurrency: 1
  rate: {rate:g}/s
  warmup: {warmup:g}s
  duration: {duration:g}s
  repeat: 1
"""


def own_cpu_seconds(pid):
    """utime + stime of pid alone (fields 14 and 15 of /proc/PID/stat; children are 16 and 17)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def run_ns(pid):
    """CPU time of pid's threads in ns (the first field of each thread's schedstat)."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass
    except FileNotFoundError:
        pass
    return total


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, PermissionError):
        return 0


def peak_rss(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


def children(pid):
    """The coordinator's direct children (its worker processes) now."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(child) for child in f.read().split()]
    except FileNotFoundError:
        return []


def exited(pid):
    """True once pid has exited; it is left a zombie (WNOWAIT) so that its /proc entry stays readable."""
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return info is not None and info.si_pid == pid


def cpu_between(samples, start, end):
    """Coordinator CPU (s) from monotonic `start` to `end`, read off the polled (time, ns) samples."""
    def at(moment):
        before = [ns for t, ns in samples if t <= moment]
        return before[-1] if before else 0
    return (at(end) - at(start)) / 1e9


def measure(workers, scratch):
    folder = os.path.join(scratch, f"w{workers}")
    os.makedirs(folder)
    topology = os.path.join(folder, "topology.yaml")
    with open(topology, "w") as f:
        f.write(TOPOLOGY.format(workers=workers, connections=workers * CONNS, rate=workers * RATE,
                                warmup=WARMUP_S, duration=DURATION_S))
    out = os.path.join(folder, "results")
    log = open(os.path.join(folder, "launch.stderr"), "w+")
    # time.time() and time.monotonic() side by side: converts file mtimes onto the workers' clock.
    wall_to_mono = time.monotonic() - time.time()
    started = time.monotonic()
    proc = subprocess.Popen([BARRAGE, "launch", topology, "--out", out, "--quiet", "--format", "json",
                             "--containers", os.path.join(ROOT, "Containers")],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    samples, fds, rss, last_seen = [], 0, 0, {}
    # stdout is small (one JSON summary), read after exit; the pipe buffer holds it meanwhile.
    while not exited(proc.pid):
        now = time.monotonic()
        samples.append((now, run_ns(proc.pid)))
        for child in children(proc.pid):
            last_seen[child] = now
        fds = max(fds, fd_count(proc.pid))
        rss = max(rss, peak_rss(proc.pid))
        time.sleep(POLL_S)
    ended = time.monotonic()
    with open(os.path.join(folder, "samples.csv"), "w") as trace:
        # Kept with BENCH_KEEP=1: the coordinator's CPU over time, to see where its loop stalled.
        trace.write("t_s,cpu_ms\n")
        trace.writelines(f"{t - started:.3f},{ns / 1e6:.1f}\n" for t, ns in samples)
    cpu = own_cpu_seconds(proc.pid)  # the zombie's final figures
    stdout = proc.stdout.read()
    code = proc.wait()
    if code != 0:
        log.seek(0)
        sys.exit(f"coordinator_scale: barrage launch with {workers} workers exited {code}:\n{log.read()[-3000:]}")
    summary = json.loads(stdout)
    cell = summary["cells"][0]
    nodes = os.path.join(out, "nodes", cell["id"])
    files = [os.path.join(nodes, name) for name in os.listdir(nodes) if name.endswith(".json")]
    node_docs = {os.path.basename(p)[:-5]: json.load(open(p)) for p in files}
    clients = [doc for name, doc in node_docs.items() if name.startswith("client-")]
    last_mark_ms = max(doc["window"]["end_ms"] for doc in node_docs.values() if doc.get("window"))
    written = max(os.stat(p).st_mtime for p in files) + wall_to_mono
    teardown = written - last_mark_ms / 1000
    # The last worker process seen alive: what the coordinator waited for before writing.
    workers_gone = max(last_seen.values()) if last_seen else written
    row = {
        "workers": workers,
        "connections": workers * CONNS,
        "rps": cell["requests_per_second"],
        "requests": cell["requests"],
        "worker_requests": sum(c["requests"] for c in clients),
        "client_files": len(clients),
        "established": cell["clients"]["connections_established"],
        "asked": workers * CONNS,
        "errors": cell["errors"],
        "status": cell["status"],
        "cpu": cpu,
        "teardown_ms": teardown * 1000,
        "teardown_cpu_ms": cpu_between(samples, last_mark_ms / 1000, written) * 1000,
        "exits_ms": (workers_gone - last_mark_ms / 1000) * 1000,
        "writing_ms": (written - workers_gone) * 1000,
        "workers_seen": len(last_seen),
        "wall": ended - started,
        "fds": fds,
        "rss": rss,
        "node_bytes": sum(os.path.getsize(p) for p in files),
        "results": out,
    }
    return row


def main():
    if not os.access(BARRAGE, os.X_OK):
        sys.exit(f"coordinator_scale: {BARRAGE} is not built (make build, or set BARRAGE_BIN)")
    scratch = tempfile.mkdtemp(prefix="barrage-coordinator-scale-")
    load_before = os.getloadavg()
    rows = []
    try:
        for workers in WORKERS:
            rows.append(measure(workers, scratch))
    finally:
        if not KEEP:
            shutil.rmtree(scratch, ignore_errors=True)
    load_after = os.getloadavg()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"make bench-coordinator · {stamp} · {os.uname().nodename} · {os.cpu_count()} cores · "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min) · builtin gRPC unary 64 B · "
          f"{CONNS} connections and {RATE:g} req/s per worker, 1 thread · {WARMUP_S:g} s warmup + {DURATION_S:g} s")
    print()
    header = ("workers", "conns", "req/s", "requests", "Σ workers", "conns up", "coord CPU", "CPU/worker",
              "mark→results", "its CPU", "→ exits", "→ written", "coord fds", "coord RSS", "node files", "wall")
    table = [header]
    for r in rows:
        table.append((
            f"{r['workers']}", f"{r['connections']:,}", f"{r['rps']:,.0f}", f"{r['requests']:,}",
            f"{r['worker_requests']:,}", f"{r['established']}/{r['asked']}", f"{r['cpu']:.2f} s",
            f"{r['cpu'] / r['workers'] * 1000:.1f} ms", f"{r['teardown_ms']:,.0f} ms", f"{r['teardown_cpu_ms']:,.0f} ms",
            f"{r['exits_ms']:,.0f} ms", f"{r['writing_ms']:,.0f} ms",
            f"{r['fds']}", f"{r['rss'] / 2**20:.1f} MiB", f"{r['node_bytes'] / 1024:,.0f} KiB", f"{r['wall']:.1f} s"))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for index, row in enumerate(table):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        scale = last["workers"] / first["workers"]
        print()
        print(f"{first['workers']} → {last['workers']} workers (×{scale:g}): coordinator CPU ×{last['cpu'] / first['cpu']:.2f}, "
              f"mark→results ×{last['teardown_ms'] / first['teardown_ms']:.2f}, node files ×{last['node_bytes'] / first['node_bytes']:.2f}")
    wrong = [r for r in rows if r["status"] != "ok" or r["requests"] != r["worker_requests"]
             or r["established"] != r["asked"] or r["client_files"] != r["workers"]]
    for r in wrong:
        print(f"WRONG at {r['workers']} workers: status {r['status']}, requests {r['requests']} vs Σ workers "
              f"{r['worker_requests']}, connections {r['established']}/{r['asked']}, {r['client_files']} client files")
    if wrong:
        sys.exit(1)


if __name__ == "__main__":
    main()
