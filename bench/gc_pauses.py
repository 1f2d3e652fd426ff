#!/usr/bin/env python3
"""Barrage's server pauses beside a real collector's own log, on the same run.

A JVM (OpenJDK, Serial GC, a small heap) runs bench/gc-pauses/GcEcho.java, a tcp-echo server that
keeps garbage alive, with -Xlog:gc decorated with `timenanos` (the JVM's monotonic clock, which is
CLOCK_MONOTONIC on Linux, the clock Barrage's window marks use). `barrage load` drives it open loop
and reports the pauses every load thread saw; each GC pause the JVM logged inside the window is
printed beside the Barrage pause that overlaps it.

Then, with --go, the grpc-go recipe's server (built by Containers/grpc-go/build) under GOGC=1 and
GODEBUG=gctrace=1: Go's collector is concurrent, its stop-the-world phases are short, so the
comparison is its longest STW against Barrage's longest pause.

    python3 bench/gc_pauses.py [--seconds 10] [--rate 2000] [--pause 10ms] [--go]
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def barrage():
    return os.environ.get("BARRAGE_BIN") or os.path.join(ROOT, ".build/debug/barrage")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, process, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listened on {port} within {timeout} s")


def load(port, protocol, args):
    command = [barrage(), "load", "--target", f"127.0.0.1:{port}", "--protocol", protocol, "--connections", "20",
               "--rate", str(args.rate), "--warmup", "1", "--duration", str(args.seconds), "--pause", args.pause,
               "--json"]
    if protocol == "grpc":
        command += ["--payload", "4096"]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"barrage load failed: {run.stderr.strip()}")
    result = json.loads(run.stdout)
    opened_ms = result["window"]["start_ms"]
    pauses = [(opened_ms + p["start_us"] / 1000, (p["end_us"] - p["start_us"]) / 1000) for p in result["pauses"]]
    return result, pauses


def jvm(args):
    work = tempfile.mkdtemp(prefix="barrage-gc-")
    try:
        shutil.copy(os.path.join(ROOT, "bench/gc-pauses/GcEcho.java"), work)
        subprocess.run(["javac", "-d", work, os.path.join(work, "GcEcho.java")], check=True)
        port = free_port()
        log = os.path.join(work, "gc.log")
        server = subprocess.Popen(["java", "-Xms96m", "-Xmx96m", "-XX:+UseSerialGC", f"-Xlog:gc:file={log}:timenanos",
                                   "-cp", work, "GcEcho", str(port)])
        try:
            wait_listening(port, server)
            result, pauses = load(port, "tcp-echo", args)
        finally:
            server.terminate()
            server.wait()
        window = (result["window"]["start_ms"], result["window"]["end_ms"])
        logged = []
        for line in open(log):
            # [1796629508313662845ns] GC(3) Pause Full (Allocation Failure) 80M->50M(92M) 43.100ms
            match = re.match(r"\[(\d+)ns\] GC\(\d+\) Pause (\w+).* ([\d.]+)ms", line)
            if match:
                length = float(match.group(3))
                end_ms = int(match.group(1)) / 1e6
                # The line is written as the pause ends.
                if window[0] <= end_ms and end_ms - length <= window[1]:
                    logged.append((end_ms - length, length, match.group(2)))
        threshold = int(args.pause.rstrip("ms"))
        print(f"JVM (Serial GC, 96 MiB heap) against barrage load, tcp-echo {args.rate}/s for {args.seconds} s, "
              f"pause ≥ {args.pause}; ms from the window's opening")
        print(f"{'JVM pause':>22}  {'barrage pause':>16}")
        for start, length, kind in logged:
            if length < 1:
                continue
            seen = [p for p in pauses if p[0] < start + length and p[0] + p[1] > start]
            text = ", ".join(f"{p[0] - window[0]:7.0f} {p[1]:6.1f}" for p in seen) or "-"
            print(f"{start - window[0]:7.0f} {length:6.1f} {kind:>6}  {text}")
        long_logged = [x for x in logged if x[1] >= threshold]
        print(f"JVM: {len(long_logged)} pauses ≥ {threshold} ms, longest {max([x[1] for x in logged] or [0]):.1f} ms; "
              f"barrage: {len(pauses)} pauses, longest {max([p[1] for p in pauses] or [0]):.1f} ms; "
              f"late sends {result['late_sends']} of {result['requests']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def go(args):
    binary = os.path.expanduser(os.environ.get("BARRAGE_BUILD_DIR", "~/.cache/barrage/build/grpc-go") + "/grpc-go-echo")
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary} is missing: run Containers/grpc-go/build first")
    for gogc in ("1", "100"):
        port = free_port()
        environment = dict(os.environ, BARRAGE_HOST="127.0.0.1", BARRAGE_PORT=str(port), GOMAXPROCS="1", GOGC=gogc,
                           GODEBUG="gctrace=1")
        server = subprocess.Popen([binary], env=environment, stderr=subprocess.PIPE, text=True)
        try:
            wait_listening(port, server)
            result, pauses = load(port, "grpc", args)
        finally:
            server.terminate()
            trace = server.communicate()[1]
        stw = []
        for match in re.finditer(r"gc \d+ @[\d.]+s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock", trace):
            stw.append(max(float(match.group(1)), float(match.group(3))))
        print(f"grpc-go GOGC={gogc} GOMAXPROCS=1, gRPC {args.rate}/s for {args.seconds} s: {len(stw)} collections, "
              f"longest stop-the-world {max(stw or [0]):.2f} ms; barrage: {len(pauses)} pauses ≥ {args.pause}, longest "
              f"{max([p[1] for p in pauses] or [0]):.1f} ms; late sends {result['late_sends']} of {result['requests']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--pause", default="10ms")
    parser.add_argument("--go", action="store_true")
    args = parser.parse_args()
    if not re.fullmatch(r"\d+ms", args.pause):
        sys.exit("--pause takes whole milliseconds, such as 10ms")
    jvm(args)
    if args.go:
        go(args)


if __name__ == "__main__":
    main()
