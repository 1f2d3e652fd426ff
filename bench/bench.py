#!/usr/bin/env python3
"""make bench: Barrage's load generator and h2load, side by side, against one grpc-go server.

Both drive the same server with the same connections, streams and one thread, one after the
other in this one invocation, and this prints requests/s, peak RSS and mean latency of each
with the Barrage/h2load ratios. Paste what it prints into BENCHMARKS.md with the date and machine.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BARRAGE = os.path.join(ROOT, ".build", "release", "barrage")
RECIPE = os.path.join(ROOT, "Containers", "grpc-go")
BUILD_DIR = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "barrage", "build", "grpc-go")
WARMUP_S = float(os.environ.get("BENCH_WARMUP", "2"))
DURATION_S = float(os.environ.get("BENCH_DURATION", "10"))
CASES = [("a", 100, 10), ("b", 10_000, 1)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_accepting(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"bench: grpc-go did not accept connections on port {port} within {timeout} s")


def timed(command):
    """Runs command under GNU time; returns (stdout, stderr, peak RSS bytes)."""
    with tempfile.NamedTemporaryFile("r") as report:
        proc = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M"] + command,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"bench: {' '.join(command[:2])} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        peak_kib = int(report.read().strip().splitlines()[-1])
    return proc.stdout, proc.stderr, peak_kib * 1024


def run_h2load(port, connections, streams, request_file):
    out, _, rss = timed(["h2load", "-c", str(connections), "-m", str(streams), "-t", "1",
                         "--warm-up-time", f"{WARMUP_S:g}s", "-D", f"{DURATION_S:g}s",
                         "-d", request_file, "-H", "te: trailers", "-H", "content-type: application/grpc",
                         f"http://127.0.0.1:{port}/bench.Echo/Unary"])
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    ok = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", out)
    mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out).group(1)
    return {"rps": rps, "rss": rss, "mean_us": to_us(mean), "succeeded": int(ok.group(1)), "failed": int(ok.group(2))}


def to_us(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]


def run_barrage(port, connections, streams):
    out, _, rss = timed([BARRAGE, "load", "--target", f"127.0.0.1:{port}", "--protocol", "grpc",
                         "--connections", str(connections), "--concurrency", str(streams), "--threads", "1",
                         "--warmup", str(WARMUP_S), "--duration", str(DURATION_S), "--json"])
    result = json.loads(out)
    window = (result["window"]["end_ms"] - result["window"]["start_ms"]) / 1000
    buckets = result["histogram"]["buckets"]
    total = sum(c for _, c in buckets)
    mean = sum(v * c for v, c in buckets) / total if total else 0
    return {"rps": result["requests"] / window if window else 0, "rss": rss, "mean_us": mean,
            "succeeded": result["requests"], "failed": sum(result["errors"].values()),
            "connections": result["connections_established"]}


def mib(n):
    return f"{n / 1048576:.1f} MiB"


def main():
    for tool in ("h2load", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing: apt-get install -y nghttp2-client time")
    env = dict(os.environ, BARRAGE_BUILD_DIR=BUILD_DIR, BARRAGE_PROTOCOL="grpc", BARRAGE_HOST="127.0.0.1")
    subprocess.run([os.path.join(RECIPE, "build")], env=env, check=True)
    port = free_port()
    env["BARRAGE_PORT"] = str(port)
    server = subprocess.Popen([os.path.join(RECIPE, "run")], env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_accepting(port)
        with tempfile.NamedTemporaryFile("wb", suffix=".bin", delete=False) as req:
            body = b"x" * 64
            message = b"\x0a" + bytes([len(body)]) + body
            req.write(b"\x00" + len(message).to_bytes(4, "big") + message)
        print(f"make bench · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {os.uname().nodename} · "
              f"{os.cpu_count()} cores · grpc-go server on 127.0.0.1:{port} · unary, 64 B, 1 thread each, "
              f"{WARMUP_S:g} s warmup + {DURATION_S:g} s")
        for name, connections, streams in CASES:
            h2 = run_h2load(port, connections, streams, req.name)
            ba = run_barrage(port, connections, streams)
            print(f"\ncase ({name}) {connections} connections × {streams} streams")
            print(f"  {'':8} {'req/s':>12} {'peak RSS':>12} {'mean latency':>14} {'ok':>10} {'failed':>8}")
            for label, r in (("h2load", h2), ("barrage", ba)):
                print(f"  {label:8} {r['rps']:12,.0f} {mib(r['rss']):>12} {r['mean_us']:12,.0f}µs {r['succeeded']:10,} {r['failed']:8,}")
            print(f"  ratio barrage/h2load: req/s {ba['rps'] / h2['rps']:.2f} · peak RSS {ba['rss'] / h2['rss']:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
