#!/usr/bin/env python3
"""Checks a gRPC recipe in Containers/ the way Barrage uses it.

    Tests/recipes/check-grpc-recipe.py NAME

1. Runs Containers/NAME/build (if there is one) twice: the first must succeed, the second
   must do nothing and finish within 5 s.
2. Runs Containers/NAME/run with BARRAGE_PROTOCOL=tcp-echo (must exit 2 with one line on
   stderr) and, for a recipe with a build, with an empty build directory (must fail with
   one line).
3. Starts run on 127.0.0.1 and a free port, waits until it accepts TCP (at most 30 s) and
   checks that run exec'd the server (its process is no longer a shell).
4. As a gRPC client: 100 unary calls checking the echo, one stream with 10 ping-pongs
   closed by the client, and an unknown method and service, each expecting UNIMPLEMENTED.
5. SIGTERM to the server: it must exit within 5 s and leave no process behind.
6. TLS: with a CA and a server certificate made here with openssl, run again with
   BARRAGE_TLS_CERT/BARRAGE_TLS_KEY: 10 unary calls over TLS verified against that CA (ALPN h2,
   which grpcio requires) echo, a client trusting another CA gets no call through; SIGTERM again.
7. Mutual TLS: run again with BARRAGE_TLS_CLIENT_CA too: a client presenting a certificate of
   that CA gets 10 calls echoed, a client presenting none gets no call through; SIGTERM again.

The client is grpcio, from the grpc-python recipe's virtualenv. Environment:
  BARRAGE_BUILD_DIR       NAME's build directory (default: a temporary one, removed after)
  CHECK_CLIENT_BUILD_DIR  a grpc-python build directory for the client (default: NAME's own
                          when NAME is grpc-python, else a temporary one, built here)
Only 127.0.0.1 is ever contacted. Exits 0 when every check passed, 1 otherwise.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTAINERS = os.path.join(ROOT, "Containers")
HOST = "127.0.0.1"
SHELLS = {"sh", "dash", "bash", "ash", "busybox", "zsh"}


class CheckFailed(Exception):
    pass


def say(message):
    print(f"check-grpc-recipe: {message}", flush=True)


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as log:
            text = log.read().splitlines()[-lines:]
    except OSError:
        return ""
    return "".join(f"\n    | {line}" for line in text)


def recipe_env(build_dir, **extra):
    env = dict(os.environ)
    env.update(BARRAGE_HOST=HOST, BARRAGE_PORT="0", BARRAGE_PROTOCOL="grpc", BARRAGE_BUILD_DIR=build_dir)
    env.update(extra)
    return env


def run_build(recipe, build_dir, log_path, timeout=3600):
    """Runs recipe/build once; returns its duration in seconds."""
    started = time.monotonic()
    with open(log_path, "ab") as log:
        status = subprocess.run([os.path.join(recipe, "build")], cwd=recipe, env=recipe_env(build_dir),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, timeout=timeout).returncode
    elapsed = time.monotonic() - started
    if status != 0:
        raise CheckFailed(f"{recipe}/build exited {status} after {elapsed:.1f} s:{tail(log_path)}")
    return elapsed


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def group_members(pgid):
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


def expect_refusal(recipe, env, what, status_wanted):
    """Runs recipe/run expecting it to exit at once with one line on stderr."""
    try:
        result = subprocess.run([os.path.join(recipe, "run")], cwd=recipe, env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, timeout=15)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"run {what}: still running after 15 s instead of refusing")
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    if (result.returncode != status_wanted if status_wanted else result.returncode == 0):
        raise CheckFailed(f"run {what}: exited {result.returncode}, wanted {status_wanted or 'non-zero'}")
    if len(lines) != 1:
        raise CheckFailed(f"run {what}: wanted one line on stderr, got {len(lines)}: {lines!r}")
    return lines[0]


def wait_accepting(process, port, log_path, limit=30.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CheckFailed(f"run exited {process.returncode} before accepting connections:{tail(log_path)}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise CheckFailed(f"run did not accept TCP on {HOST}:{port} within {limit:.0f} s:{tail(log_path)}")


def openssl(*arguments):
    subprocess.run(["openssl", *arguments], check=True, stdin=subprocess.DEVNULL, capture_output=True)


def make_certificates(folder):
    """A CA, a server certificate it signed for 127.0.0.1 and localhost, a client certificate it
    signed, and an unrelated CA."""
    paths = {name: os.path.join(folder, name) for name in ("ca.pem", "ca.key", "server.pem", "server.key",
                                                           "server.csr", "server.ext", "other.pem", "other.key",
                                                           "client.pem", "client.key", "client.csr", "client.ext")}
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *curve, "-days", "1", "-subj", "/CN=check-grpc-recipe CA", "-keyout", paths["ca.key"],
            "-out", paths["ca.pem"])
    openssl("req", "-x509", *curve, "-days", "1", "-subj", "/CN=another CA", "-keyout", paths["other.key"],
            "-out", paths["other.pem"])
    openssl("req", *curve, "-subj", "/CN=localhost", "-keyout", paths["server.key"], "-out", paths["server.csr"])
    with open(paths["server.ext"], "w") as extensions:
        extensions.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", paths["server.csr"], "-CA", paths["ca.pem"], "-CAkey", paths["ca.key"],
            "-CAcreateserial", "-days", "1", "-extfile", paths["server.ext"], "-out", paths["server.pem"])
    openssl("req", *curve, "-subj", "/CN=check-grpc-recipe client", "-keyout", paths["client.key"], "-out",
            paths["client.csr"])
    with open(paths["client.ext"], "w") as extensions:
        extensions.write("extendedKeyUsage=clientAuth\n")
    openssl("x509", "-req", "-in", paths["client.csr"], "-CA", paths["ca.pem"], "-CAkey", paths["ca.key"],
            "-CAcreateserial", "-days", "1", "-extfile", paths["client.ext"], "-out", paths["client.pem"])
    return paths


def start_server(recipe, env, log_path):
    """Starts recipe/run in a session of its own; returns it once it accepts TCP."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen([os.path.join(recipe, "run")], cwd=recipe, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log, start_new_session=True)
    wait_accepting(process, int(env["BARRAGE_PORT"]), log_path)
    return process


def stop_server(process, log_path):
    """SIGTERM; returns (status, seconds) once it exited leaving nothing behind."""
    os.kill(process.pid, signal.SIGTERM)
    stopping = time.monotonic()
    try:
        status = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"the server was still running 5 s after SIGTERM:{tail(log_path)}")
    took = time.monotonic() - stopping
    time.sleep(0.2)
    leftovers = group_members(process.pid)
    if leftovers:
        raise CheckFailed(f"the server exited but left processes behind: {leftovers}")
    return status, took


def run_client(client_python, arguments, server_log):
    """Runs this script's client side with grpcio; returns its lines."""
    try:
        result = subprocess.run([client_python, os.path.abspath(__file__), *arguments],
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise CheckFailed("the gRPC client took more than 120 s")
    output = result.stdout.decode(errors="replace").strip().splitlines()
    if result.returncode != 0:
        raise CheckFailed(f"gRPC client exited {result.returncode}: "
                          f"{result.stderr.decode(errors='replace').strip()[-2000:]}{tail(server_log)}")
    return output


def check(name):
    recipe = os.path.join(CONTAINERS, name)
    if not os.access(os.path.join(recipe, "run"), os.X_OK):
        raise CheckFailed(f"{recipe}/run is missing or not executable")
    scratch = tempfile.mkdtemp(prefix=f"check-{name}-")
    passed = []
    process = None
    try:
        build_dir = os.environ.get("BARRAGE_BUILD_DIR") or os.path.join(scratch, "build")
        client_dir = os.environ.get("CHECK_CLIENT_BUILD_DIR") or (
            build_dir if name == "grpc-python" else os.path.join(scratch, "client"))
        build_log = os.path.join(scratch, "build.log")
        has_build = os.access(os.path.join(recipe, "build"), os.X_OK)

        if has_build:
            first = run_build(recipe, build_dir, build_log)
            again = run_build(recipe, build_dir, build_log)
            if again > 5.0:
                raise CheckFailed(f"a second build took {again:.1f} s: an idempotent build with everything "
                                  f"in place should do nothing")
            passed.append(f"build {first:.1f} s, again {again:.2f} s")
            say(f"{name}: build ok in {first:.1f} s; the second run took {again:.2f} s")
        if name != "grpc-python" or client_dir != build_dir:
            client_recipe = os.path.join(CONTAINERS, "grpc-python")
            client_time = run_build(client_recipe, client_dir, os.path.join(scratch, "client-build.log"))
            say(f"client: grpc-python build in {client_dir} ready in {client_time:.1f} s")
        client_python = os.path.join(client_dir, "venv", "bin", "python")

        line = expect_refusal(recipe, recipe_env(build_dir, BARRAGE_PROTOCOL="tcp-echo"),
                              "with BARRAGE_PROTOCOL=tcp-echo", 2)
        passed.append("refuses tcp-echo")
        say(f"{name}: refuses tcp-echo with exit 2: {line}")
        if has_build:
            empty = os.path.join(scratch, "empty")
            os.mkdir(empty)
            line = expect_refusal(recipe, recipe_env(empty), "without a build", None)
            passed.append("says build is missing")
            say(f"{name}: without a build it fails with: {line}")

        port = free_port()
        server_log = os.path.join(scratch, "server.log")
        started = time.monotonic()
        process = start_server(recipe, recipe_env(build_dir, BARRAGE_PORT=str(port)), server_log)
        say(f"{name}: accepting on {HOST}:{port} after {time.monotonic() - started:.2f} s")
        command = os.path.basename(os.readlink(f"/proc/{process.pid}/exe"))
        if command in SHELLS:
            raise CheckFailed(f"run's process is still the shell ({command}): run must exec the server")
        passed.append(f"run exec'd the server ({command})")

        output = run_client(client_python, ["--client", HOST, str(port), os.path.join(client_dir, "gen")], server_log)
        for line in output:
            say(f"{name}: {line}")
        passed.extend(output)

        status, took = stop_server(process, server_log)
        process = None
        passed.append(f"exits {took:.2f} s after SIGTERM")
        say(f"{name}: exited with status {status} {took:.2f} s after SIGTERM{tail(server_log, 4)}")

        certificates = make_certificates(scratch)
        tls_env = dict(BARRAGE_TLS_CERT=certificates["server.pem"], BARRAGE_TLS_KEY=certificates["server.key"])
        for mode, extra, client_arguments in (
                ("TLS", {}, ["--tls-client", certificates["ca.pem"], certificates["other.pem"]]),
                ("mutual TLS", {"BARRAGE_TLS_CLIENT_CA": certificates["ca.pem"]},
                 ["--mtls-client", certificates["ca.pem"], certificates["client.pem"], certificates["client.key"]])):
            port = free_port()
            log = os.path.join(scratch, f"server-{mode.replace(' ', '-').lower()}.log")
            process = start_server(recipe, recipe_env(build_dir, BARRAGE_PORT=str(port), **tls_env, **extra), log)
            output = run_client(client_python, [client_arguments[0], HOST, str(port), os.path.join(client_dir, "gen"),
                                                *client_arguments[1:]], log)
            for line in output:
                say(f"{name}: {line}")
            passed.extend(output)
            status, took = stop_server(process, log)
            process = None
            say(f"{name}: {mode} server exited with status {status} {took:.2f} s after SIGTERM{tail(log, 4)}")
        return passed
    except CheckFailed as failure:
        failure.passed = passed
        raise
    finally:
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        shutil.rmtree(scratch, ignore_errors=True)


def client(host, port, gen_dir):
    """The gRPC side, run with the grpc-python virtualenv's interpreter."""
    sys.path.insert(0, gen_dir)
    import queue

    import grpc
    import bench_pb2

    payload = bench_pb2.Payload
    with grpc.insecure_channel(f"{host}:{port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        unary = channel.unary_unary("/bench.Echo/Unary", request_serializer=payload.SerializeToString,
                                    response_deserializer=payload.FromString)
        sizes = [0, 1, 2, 7, 64, 127, 128, 1000, 4096, 65536]
        for index in range(100):
            body = os.urandom(sizes[index % len(sizes)])
            reply = unary(payload(body=body), timeout=5)
            if reply.body != body:
                sys.exit(f"unary call {index}: sent {len(body)} bytes, got back {len(reply.body)} different ones")
        print("100 unary calls echoed (0 B to 64 KiB)")

        requests = queue.Queue()
        stream = channel.stream_stream("/bench.Echo/Stream", request_serializer=payload.SerializeToString,
                                       response_deserializer=payload.FromString)
        call = stream(iter(requests.get, None), timeout=10)
        for index in range(10):
            body = b"ping %d " % index * (index + 1)
            requests.put(payload(body=body))
            reply = next(call)
            if reply.body != body:
                sys.exit(f"stream ping {index}: sent {body!r}, got back {reply.body!r}")
        requests.put(None)  # half-close: the server must end the stream with OK and nothing more
        extra = list(call)
        if extra:
            sys.exit(f"stream: {len(extra)} replies after the client half-closed, wanted none")
        if call.code() != grpc.StatusCode.OK:
            sys.exit(f"stream: ended with {call.code()}, wanted OK")
        print("one stream: 10 ping-pongs, then OK after the client half-closed")

        for method in ("/bench.Echo/Nope", "/bench.Nope/Unary"):
            try:
                channel.unary_unary(method)(b"", timeout=5)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                    sys.exit(f"{method}: status {error.code()}, wanted UNIMPLEMENTED (12)")
            else:
                sys.exit(f"{method}: succeeded, wanted UNIMPLEMENTED (12)")
        print("unknown method and unknown service: UNIMPLEMENTED (12)")


def tls_client(host, port, gen_dir, ca_file, other_ca_file):
    """TLS: calls verified against the recipe's CA succeed; a client trusting another CA gets none through."""
    sys.path.insert(0, gen_dir)
    import grpc
    import bench_pb2

    payload = bench_pb2.Payload
    with open(ca_file, "rb") as ca, open(other_ca_file, "rb") as other:
        roots, other_roots = ca.read(), other.read()
    with grpc.secure_channel(f"{host}:{port}", grpc.ssl_channel_credentials(root_certificates=roots)) as channel:
        unary = channel.unary_unary("/bench.Echo/Unary", request_serializer=payload.SerializeToString,
                                    response_deserializer=payload.FromString)
        for index in range(10):
            body = os.urandom(64 * index)
            if unary(payload(body=body), timeout=10).body != body:
                sys.exit(f"TLS unary call {index}: the echo differs")
    print("TLS: 10 unary calls echoed, verified against the run's CA (ALPN h2)")
    with grpc.secure_channel(f"{host}:{port}", grpc.ssl_channel_credentials(root_certificates=other_roots)) as channel:
        try:
            channel.unary_unary("/bench.Echo/Unary")(b"", timeout=5)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE:
                sys.exit(f"TLS with another CA: status {error.code()}, wanted UNAVAILABLE (handshake refused)")
        else:
            sys.exit("TLS with another CA: the call succeeded, wanted the certificate refused")
    print("TLS: a client trusting another CA gets no call through (UNAVAILABLE)")


def mtls_client(host, port, gen_dir, ca_file, cert_file, key_file):
    """Mutual TLS: a client with a certificate of the required CA gets calls through, one without none."""
    sys.path.insert(0, gen_dir)
    import grpc
    import bench_pb2

    payload = bench_pb2.Payload
    with open(ca_file, "rb") as ca, open(cert_file, "rb") as cert, open(key_file, "rb") as key:
        roots, chain, private_key = ca.read(), cert.read(), key.read()
    credentials = grpc.ssl_channel_credentials(root_certificates=roots, private_key=private_key,
                                               certificate_chain=chain)
    with grpc.secure_channel(f"{host}:{port}", credentials) as channel:
        unary = channel.unary_unary("/bench.Echo/Unary", request_serializer=payload.SerializeToString,
                                    response_deserializer=payload.FromString)
        for index in range(10):
            body = os.urandom(64 * index)
            if unary(payload(body=body), timeout=10).body != body:
                sys.exit(f"mutual TLS unary call {index}: the echo differs")
    print("mutual TLS: 10 unary calls echoed with a client certificate of the required CA")
    with grpc.secure_channel(f"{host}:{port}", grpc.ssl_channel_credentials(root_certificates=roots)) as channel:
        try:
            channel.unary_unary("/bench.Echo/Unary")(b"", timeout=5)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE:
                sys.exit(f"mutual TLS without a client certificate: status {error.code()}, wanted UNAVAILABLE")
        else:
            sys.exit("mutual TLS without a client certificate: the call succeeded, wanted it refused")
    print("mutual TLS: a client without a certificate gets no call through (UNAVAILABLE)")


def main(argv):
    if len(argv) == 5 and argv[1] == "--client":
        client(argv[2], int(argv[3]), argv[4])
        return 0
    if len(argv) == 7 and argv[1] == "--tls-client":
        tls_client(argv[2], int(argv[3]), argv[4], argv[5], argv[6])
        return 0
    if len(argv) == 8 and argv[1] == "--mtls-client":
        mtls_client(argv[2], int(argv[3]), argv[4], argv[5], argv[6], argv[7])
        return 0
    if len(argv) != 2 or argv[1].startswith("-"):
        print(f"usage: {argv[0]} NAME   (a recipe in Containers/, such as grpc-go)", file=sys.stderr)
        return 2
    name = argv[1]
    # Barrage starts servers with no signal blocked (libuv's spawn clears the mask); a parent
    # such as a test runner's thread may have SIGTERM blocked, and the mask is inherited, so a
    # server that only installs a handler (tokio, asyncio) would never see the SIGTERM below.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    try:
        passed = check(name)
    except CheckFailed as failure:
        say(f"{name}: FAILED: {failure}")
        say(f"{len(getattr(failure, 'passed', []))} passed, 1 failed")
        return 1
    except (OSError, subprocess.SubprocessError) as error:
        say(f"{name}: FAILED: {error}")
        say("0 passed, 1 failed")
        return 1
    say(f"{len(passed)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
