#!/usr/bin/env python3
"""make bench: what one core of Barrage's load generator drives, against h2load, the C reference.

Table 1 (the generator): the builtin gRPC server (`barrage serve`, one loop thread) pinned to
one core and the client (h2load, or `barrage load`) pinned to the other with taskset, so the
client's cost is not the server's scheduling. Unary 64 B calls, one client thread, no warm-up
for either tool (both pay their connection set-up inside the run the same way), BENCH_DURATION
seconds (10 by default). Cases: (a) 100 connections × 10 streams, (b) 10,000 × 1, (c) case (a)
over TLS (the builtin server serving a certificate of a CA made here with openssl, via
BARRAGE_TLS_CERT/KEY; h2load speaks TLS for an https:// URL with ALPN h2, Barrage verifies
against the CA). Each case runs BENCH_ROUNDS times (3 by default), the order of the two tools
reversed every round, so whatever else the machine does drifts over both; the ratios are of the
per-tool means.

The primary figure is the client's CPU per call: its user + system time (GNU time, the whole
process: start, connecting, the run, its exit) over the calls it completed. req/s is the calls
over the run; peak RSS is GNU time's maximum resident set size of the client process. Server
CPU per call (the builtin server's user + system time during a run over that run's calls)
shows whether one tool's requests cost the server more to answer.

Table 2 (the server's view): one grpc-go server (Containers/grpc-go, GOMAXPROCS = all cores),
unpinned, warmed by one unmeasured h2load run per case, 2 s warm-up + BENCH_DURATION for each
tool, BENCH_GRPC_GO_ROUNDS rounds (2 by default); it answers "does the tool change the
server's cost?". BENCH_GRPC_GO=0 skips it (it builds the recipe, with Debian's Go, first).
BENCH_CASES=a,b runs only the cases named.

Paste what this prints into BENCHMARKS.md: its first line carries the date, machine, HEAD and
load average.
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


def whole_number(name, default, least):
    text = os.environ.get(name, str(default))
    if not text.isdigit() or int(text) < least:
        sys.exit(f"bench: {name} must be a whole number, {least} or more, not {text!r}")
    return int(text)


DURATION_S = float(os.environ.get("BENCH_DURATION", "10"))
ROUNDS = whole_number("BENCH_ROUNDS", 3, 1)
GRPC_GO_ROUNDS = whole_number("BENCH_GRPC_GO_ROUNDS", 2, 1)
GRPC_GO = os.environ.get("BENCH_GRPC_GO", "1") != "0"
GRPC_GO_WARMUP_S = 2.0
CLIENT_CORE = os.environ.get("BENCH_CLIENT_CORE", "0")
SERVER_CORE = os.environ.get("BENCH_SERVER_CORE", "1")
PINNED_CASES = [("a", 100, 10, False), ("b", 10_000, 1, False), ("c", 100, 10, True)]
GRPC_GO_CASES = [("a", 100, 10), ("b", 10_000, 1)]
# BENCH_CASES=a,c runs only those cases (of both tables), for a quick look while working.
ONLY = set(filter(None, os.environ.get("BENCH_CASES", "").split(",")))
if ONLY - {name for name, *_ in PINNED_CASES}:
    sys.exit(f"bench: BENCH_CASES names cases a, b and c, not {sorted(ONLY)}")
PINNED_CASES = [case for case in PINNED_CASES if not ONLY or case[0] in ONLY]
GRPC_GO_CASES = [case for case in GRPC_GO_CASES if not ONLY or case[0] in ONLY]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_accepting(port, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"bench: {what} did not accept connections on port {port} within {timeout} s")


def timed(command, pin=None):
    """Runs command under GNU time (pinned to core `pin` with taskset if given); returns (stdout,
    peak RSS bytes, user + system CPU seconds)."""
    pinned = ["taskset", "-c", pin] if pin is not None else []
    with tempfile.NamedTemporaryFile("r") as report:
        proc = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M %U %S"] + pinned + command,
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


def per_call(seconds, calls):
    return seconds * 1e6 / calls if calls else float("nan")


def with_server_cpu(server_pid, run):
    """Runs run() and adds the server's CPU per call during it and the run's wall time."""
    before, started = process_cpu_seconds(server_pid), time.monotonic()
    result = run()
    spent = process_cpu_seconds(server_pid) - before
    return dict(result, server_us_per_call=per_call(spent, result["calls"]), wall_s=time.monotonic() - started)


def to_us(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]


def run_h2load(port, connections, streams, request_file, tls, warmup_s, pin):
    out, rss, cpu = timed(["h2load", "-c", str(connections), "-m", str(streams), "-t", "1"]
                          + (["--warm-up-time", f"{warmup_s:g}s"] if warmup_s else [])
                          + ["-D", f"{DURATION_S:g}s",
                             "-d", request_file, "-H", "te: trailers", "-H", "content-type: application/grpc",
                             f"{'https' if tls else 'http'}://127.0.0.1:{port}/bench.Echo/Unary"], pin)
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    ok = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", out)
    mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out).group(1)
    succeeded = int(ok.group(1))
    # Without a warm-up every call h2load made is in its counts; with one, the warm-up's calls
    # (at about the same rate) are not, but its CPU is.
    calls = succeeded + (rps * warmup_s if warmup_s else 0)
    return {"rps": rps, "rss": rss, "mean_us": to_us(mean), "succeeded": succeeded, "failed": int(ok.group(2)),
            "calls": calls, "cpu_us_per_call": per_call(cpu, calls)}


def run_barrage(port, connections, streams, ca_file, warmup_s, pin):
    out, rss, cpu = timed([BARRAGE, "load", "--target", f"127.0.0.1:{port}", "--protocol", "grpc",
                           "--connections", str(connections), "--concurrency", str(streams), "--threads", "1",
                           "--warmup", f"{warmup_s:g}", "--duration", f"{DURATION_S:g}", "--json"]
                          + (["--tls", "--ca", ca_file] if ca_file else []), pin)
    result = json.loads(out)
    window = (result["window"]["end_ms"] - result["window"]["start_ms"]) / 1000
    buckets = result["histogram"]["buckets"]
    total = sum(c for _, c in buckets)
    mean = sum(v * c for v, c in buckets) / total if total else 0
    rps = result["requests"] / window if window else 0
    calls = result["requests"] + (rps * warmup_s if warmup_s else 0)
    return {"rps": rps, "rss": rss, "mean_us": mean, "succeeded": result["requests"],
            "failed": sum(result["errors"].values()), "calls": calls, "cpu_us_per_call": per_call(cpu, calls)}


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


def start_builtin(tls_files=None):
    """Starts `barrage serve --protocol grpc` (one loop thread) pinned to SERVER_CORE on a free
    port, serving TLS with tls_files = (cert, key); returns (process, port) once it accepts."""
    port = free_port()
    env = dict(os.environ)
    env.pop("BARRAGE_TLS_CERT", None), env.pop("BARRAGE_TLS_KEY", None)
    if tls_files:
        env.update(BARRAGE_TLS_CERT=tls_files[0], BARRAGE_TLS_KEY=tls_files[1])
    # taskset execs the server: the process's pid is the server's, for its CPU.
    server = subprocess.Popen(["taskset", "-c", SERVER_CORE, BARRAGE, "serve", "--protocol", "grpc",
                               "--host", "127.0.0.1", "--port", str(port), "--threads", "1"],
                              env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_accepting(port, "the builtin server")
    return server, port


def start_grpc_go(env):
    """Starts the grpc-go recipe on a free port; returns (process, port) once it accepts."""
    port = free_port()
    server = subprocess.Popen([os.path.join(RECIPE, "run")], env=dict(env, BARRAGE_PORT=str(port)),
                              stderr=subprocess.DEVNULL, start_new_session=True)
    wait_accepting(port, "grpc-go")
    return server, port


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def mib(n):
    return f"{n / 1048576:.1f} MiB"


def run_case(server, tools, rounds):
    """Runs both tools `rounds` times, alternating which goes first; prints a line per run and
    the ratios of the means."""
    print(f"  {'':14} {'req/s':>10} {'peak RSS':>11} {'mean latency':>13} {'CPU/call':>9} {'server CPU/call':>16} "
          f"{'ok':>10} {'failed':>7} {'wall':>6}")
    runs = {"h2load": [], "barrage": []}
    for number in range(rounds):
        for label in (("h2load", "barrage") if number % 2 == 0 else ("barrage", "h2load")):
            r = with_server_cpu(server.pid, tools[label])
            runs[label].append(r)
            print(f"  {label + f' (run {number + 1})':14} {r['rps']:10,.0f} {mib(r['rss']):>11} {r['mean_us']:11,.0f}µs "
                  f"{r['cpu_us_per_call']:7.2f}µs {r['server_us_per_call']:14.2f}µs {r['succeeded']:10,} {r['failed']:7,} "
                  f"{r['wall_s']:5.1f}s", flush=True)
    keys = ("rps", "rss", "cpu_us_per_call", "server_us_per_call")
    mean = {label: {key: sum(r[key] for r in rs) / len(rs) for key in keys} for label, rs in runs.items()}
    ba, h2 = mean["barrage"], mean["h2load"]
    print(f"  means: h2load {h2['cpu_us_per_call']:.2f} µs/call {h2['rps']:,.0f} req/s {mib(h2['rss'])} · "
          f"barrage {ba['cpu_us_per_call']:.2f} µs/call {ba['rps']:,.0f} req/s {mib(ba['rss'])}")
    print(f"  ratio barrage/h2load (means of {rounds}): CPU per call {ba['cpu_us_per_call'] / h2['cpu_us_per_call']:.2f} · "
          f"req/s {ba['rps'] / h2['rps']:.2f} · peak RSS {ba['rss'] / h2['rss']:.2f} · "
          f"server CPU per call {ba['server_us_per_call'] / h2['server_us_per_call']:.2f}", flush=True)


def head():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load_average():
    return f"{os.getloadavg()[0]:.2f}"


def main():
    for tool in ("h2load", "/usr/bin/time", "taskset", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing: apt-get install -y nghttp2-client time util-linux openssl")
    if not os.access(BARRAGE, os.X_OK):
        sys.exit(f"bench: {BARRAGE} is missing: make build")
    if len(os.sched_getaffinity(0)) < 2:
        sys.exit("bench: needs two cores, one for the server and one for the client")
    certificates = tempfile.mkdtemp(prefix="bench-tls-")
    ca, cert, key = make_certificates(certificates)
    with tempfile.NamedTemporaryFile("wb", suffix=".bin", delete=False) as req:
        body = b"x" * 64
        message = b"\x0a" + bytes([len(body)]) + body
        req.write(b"\x00" + len(message).to_bytes(4, "big") + message)
    try:
        print(f"make bench · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {os.uname().nodename} · "
              f"{os.cpu_count()} cores · HEAD {head()} · load average {load_average()} · unary, 64 B, 1 client thread")
        print(f"\n1. The generator: builtin server (1 loop thread) on core {SERVER_CORE}, client on core {CLIENT_CORE}, "
              f"no warm-up, {DURATION_S:g} s, {ROUNDS} alternating rounds")
        for name, connections, streams, tls in PINNED_CASES:
            server, port = start_builtin((cert, key) if tls else None)
            try:
                tools = {"h2load": lambda: run_h2load(port, connections, streams, req.name, tls, 0, CLIENT_CORE),
                         "barrage": lambda: run_barrage(port, connections, streams, ca if tls else None, 0, CLIENT_CORE)}
                print(f"\ncase ({name}) {connections} connections × {streams} streams{' over TLS' if tls else ''}")
                run_case(server, tools, ROUNDS)
            finally:
                stop(server)
        if GRPC_GO and GRPC_GO_CASES:
            env = dict(os.environ, BARRAGE_BUILD_DIR=BUILD_DIR, BARRAGE_PROTOCOL="grpc", BARRAGE_HOST="127.0.0.1")
            subprocess.run([os.path.join(RECIPE, "build")], env=env, check=True, stdout=subprocess.DEVNULL)
            server, port = start_grpc_go(env)
            try:
                print(f"\n2. The server's view: one grpc-go server (all cores), tools unpinned, one unmeasured h2load run "
                      f"first, {GRPC_GO_WARMUP_S:g} s warm-up + {DURATION_S:g} s, {GRPC_GO_ROUNDS} alternating rounds")
                for name, connections, streams in GRPC_GO_CASES:
                    tools = {"h2load": lambda: run_h2load(port, connections, streams, req.name, False, GRPC_GO_WARMUP_S, None),
                             "barrage": lambda: run_barrage(port, connections, streams, None, GRPC_GO_WARMUP_S, None)}
                    print(f"\ncase ({name}) {connections} connections × {streams} streams")
                    tools["h2load"]()  # the server's warm-up, not measured
                    run_case(server, tools, GRPC_GO_ROUNDS)
            finally:
                stop(server)
        print(f"\nload average {load_average()} at the end")
    finally:
        os.unlink(req.name)
        shutil.rmtree(certificates, ignore_errors=True)


if __name__ == "__main__":
    main()
