#!/usr/bin/env python3
"""make bench: Barrage's load generator and h2load, side by side, against one grpc-go server.

Both drive the same server with the same connections, streams and one thread, one after the
other in this one invocation, and this prints requests/s, peak RSS, mean latency and CPU per
call of each with the Barrage/h2load ratios. Paste what it prints into BENCHMARKS.md with the
date and machine.

Each case runs BENCH_ROUNDS times (2 by default), the order of the two tools reversed every
round (h2load first, then Barrage first): client and server share the cores, so whatever else
the machine does drifts over a case, and a fixed order would hand that drift to one tool. The
ratios are of the per-tool means. Before the first round of each case h2load drives the
server for BENCH_WARMUP + BENCH_DURATION unmeasured, so neither tool meets a server that has
just started (or just gone from 100 to 10,000 connections). One run of each tool is not enough
on shared cores: the same command varies by ±12 % from run to run on the 2-core VM.

CPU per call (the client's user + system time over the calls it made, warm-up and connecting
included) is what a one-box comparison hides: every microsecond the client spends is one the
server does not get. Server CPU per call is the
grpc-go process's user + system time during a run over the calls of that run: it shows whether
one tool's requests cost the server more to answer.

Case (c) is case (a) over TLS: a second grpc-go server serving a certificate of a CA made here
with openssl (h2load speaks TLS for an https:// URL, ALPN h2; Barrage verifies against the CA).
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
ROUNDS = os.environ.get("BENCH_ROUNDS", "2")
if not ROUNDS.isdigit() or int(ROUNDS) < 1:
    sys.exit(f"bench: BENCH_ROUNDS must be a whole number, 1 or more, not {ROUNDS!r}")
ROUNDS = int(ROUNDS)
CASES = [("a", 100, 10, False), ("b", 10_000, 1, False), ("c", 100, 10, True)]


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
    """Runs command under GNU time; returns (stdout, peak RSS bytes, user + system CPU seconds)."""
    with tempfile.NamedTemporaryFile("r") as report:
        proc = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M %U %S"] + command,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"bench: {' '.join(command[:2])} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        peak_kib, user, system = report.read().strip().splitlines()[-1].split()
    return proc.stdout, int(peak_kib) * 1024, float(user) + float(system)


def process_cpu_seconds(pid):
    """User + system CPU seconds of a process so far (its threads included)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def us_per_call(result, cpu_seconds):
    """CPU seconds spent during a run over the calls it made, warm-up included (both tools run
    the same warm-up at about the window's rate, so neither gets the better of it)."""
    calls = result["rps"] * (WARMUP_S + DURATION_S)
    return cpu_seconds * 1e6 / calls if calls else 0


def with_server_cpu(server_pid, run):
    """Runs run() and adds the server's CPU per call during it and the run's wall time."""
    before, started = process_cpu_seconds(server_pid), time.monotonic()
    result = run()
    spent = process_cpu_seconds(server_pid) - before
    return dict(result, server_us_per_call=us_per_call(result, spent), wall_s=time.monotonic() - started)


def with_cpu_per_call(result, cpu_seconds):
    """Adds the client's own CPU per call."""
    return dict(result, cpu_us_per_call=us_per_call(result, cpu_seconds))


def run_h2load(port, connections, streams, request_file, tls=False):
    out, rss, cpu = timed(["h2load", "-c", str(connections), "-m", str(streams), "-t", "1",
                         "--warm-up-time", f"{WARMUP_S:g}s", "-D", f"{DURATION_S:g}s",
                         "-d", request_file, "-H", "te: trailers", "-H", "content-type: application/grpc",
                         f"{'https' if tls else 'http'}://127.0.0.1:{port}/bench.Echo/Unary"])
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    ok = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", out)
    mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out).group(1)
    return with_cpu_per_call(
        {"rps": rps, "rss": rss, "mean_us": to_us(mean), "succeeded": int(ok.group(1)), "failed": int(ok.group(2))}, cpu)


def to_us(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]


def run_barrage(port, connections, streams, ca_file=None):
    out, rss, cpu = timed([BARRAGE, "load", "--target", f"127.0.0.1:{port}", "--protocol", "grpc",
                         "--connections", str(connections), "--concurrency", str(streams), "--threads", "1",
                         "--warmup", str(WARMUP_S), "--duration", str(DURATION_S), "--json"]
                        + (["--tls", "--ca", ca_file] if ca_file else []))
    result = json.loads(out)
    window = (result["window"]["end_ms"] - result["window"]["start_ms"]) / 1000
    buckets = result["histogram"]["buckets"]
    total = sum(c for _, c in buckets)
    mean = sum(v * c for v, c in buckets) / total if total else 0
    return with_cpu_per_call(
        {"rps": result["requests"] / window if window else 0, "rss": rss, "mean_us": mean,
         "succeeded": result["requests"], "failed": sum(result["errors"].values()),
         "connections": result["connections_established"]}, cpu)


def make_certificates(folder):
    """A CA and a certificate it signed for 127.0.0.1: (ca.pem, server.pem, server.key)."""
    ca, ca_key, cert, key, csr, ext = (os.path.join(folder, n) for n in
                                       ("ca.pem", "ca.key", "server.pem", "server.key", "server.csr", "server.ext"))
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    quiet = dict(check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", *curve, "-days", "1", "-subj", "/CN=bench CA", "-keyout", ca_key, "-out", ca], **quiet)
    subprocess.run(["openssl", "req", *curve, "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", csr], **quiet)
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "1",
                    "-extfile", ext, "-out", cert], **quiet)
    return ca, cert, key


def start_server(env):
    """Starts the grpc-go recipe on a free port; returns (process, port) once it accepts."""
    port = free_port()
    server = subprocess.Popen([os.path.join(RECIPE, "run")], env=dict(env, BARRAGE_PORT=str(port)),
                              stderr=subprocess.DEVNULL, start_new_session=True)
    wait_accepting(port)
    return server, port


def mib(n):
    return f"{n / 1048576:.1f} MiB"


def main():
    for tool in ("h2load", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing: apt-get install -y nghttp2-client time")
    env = dict(os.environ, BARRAGE_BUILD_DIR=BUILD_DIR, BARRAGE_PROTOCOL="grpc", BARRAGE_HOST="127.0.0.1")
    subprocess.run([os.path.join(RECIPE, "build")], env=env, check=True)
    certificates = tempfile.mkdtemp(prefix="bench-tls-")
    ca, cert, key = make_certificates(certificates)
    server, port = start_server(env)
    tls_server, tls_port = start_server(dict(env, BARRAGE_TLS_CERT=cert, BARRAGE_TLS_KEY=key))
    try:
        with tempfile.NamedTemporaryFile("wb", suffix=".bin", delete=False) as req:
            body = b"x" * 64
            message = b"\x0a" + bytes([len(body)]) + body
            req.write(b"\x00" + len(message).to_bytes(4, "big") + message)
        print(f"make bench · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {os.uname().nodename} · "
              f"{os.cpu_count()} cores · grpc-go server on 127.0.0.1:{port} · unary, 64 B, 1 thread each, "
              f"{WARMUP_S:g} s warmup + {DURATION_S:g} s; TLS case on 127.0.0.1:{tls_port}")
        for name, connections, streams, tls in CASES:
            case_port, case_server = (tls_port, tls_server) if tls else (port, server)
            tools = {"h2load": lambda c, m: run_h2load(case_port, c, m, req.name, tls),
                     "barrage": lambda c, m: run_barrage(case_port, c, m, ca if tls else None)}
            print(f"\ncase ({name}) {connections} connections × {streams} streams{' over TLS' if tls else ''}")
            tools["h2load"](connections, streams)  # the server's warm-up, not measured
            print(f"  {'':14} {'req/s':>10} {'peak RSS':>11} {'mean latency':>13} {'CPU/call':>9} {'server CPU/call':>16} "
                  f"{'ok':>10} {'failed':>7} {'wall':>6}")
            runs = {"h2load": [], "barrage": []}
            for number in range(ROUNDS):
                for label in (("h2load", "barrage") if number % 2 == 0 else ("barrage", "h2load")):
                    r = with_server_cpu(case_server.pid, lambda: tools[label](connections, streams))
                    runs[label].append(r)
                    print(f"  {label + f' (run {number + 1})':14} {r['rps']:10,.0f} {mib(r['rss']):>11} {r['mean_us']:11,.0f}µs "
                          f"{r['cpu_us_per_call']:7.1f}µs {r['server_us_per_call']:14.1f}µs {r['succeeded']:10,} {r['failed']:7,} {r['wall_s']:5.1f}s")
            keys = ("rps", "rss", "cpu_us_per_call", "server_us_per_call")
            mean = {label: {key: sum(r[key] for r in rs) / len(rs) for key in keys} for label, rs in runs.items()}
            ba, h2 = mean["barrage"], mean["h2load"]
            print(f"  ratio barrage/h2load (means of {ROUNDS}): req/s {ba['rps'] / h2['rps']:.2f} · "
                  f"peak RSS {ba['rss'] / h2['rss']:.2f} · CPU per call {ba['cpu_us_per_call'] / h2['cpu_us_per_call']:.2f} · "
                  f"server CPU per call {ba['server_us_per_call'] / h2['server_us_per_call']:.2f}")
    finally:
        for process in (server, tls_server):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(certificates, ignore_errors=True)


if __name__ == "__main__":
    main()
