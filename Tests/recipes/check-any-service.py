#!/usr/bin/env python3
"""Checks the any-service recipe (Containers/any-service: ledger.v1.Ledger on grpc-go).

    Tests/recipes/check-any-service.py

Builds it twice (the second must do nothing), checks its refusals, starts it on 127.0.0.1
with LEDGER_STATS_FILE, and then, as a grpcio client (the grpc-python recipe's virtualenv,
with code grpc_tools generates from ledger.proto; requests from known-entry.json through
protobuf's own json_format):
  - the health service answers SERVING without authorization;
  - Post: 20 known entries are intact; one with a changed amount is INVALID_ARGUMENT naming
    "amount"; without authorization or with a wrong token, UNAUTHENTICATED with its message;
  - List with count 5 streams 5 entries equal to the known one;
  - Upload of 3 known entries answers received 3, intact 3; Sync of 4 answers 4 receipts;
  - Hold with a 2 s delay and a 0.3 s deadline is DEADLINE_EXCEEDED, with 10 ms it is OK;
  - Stats (without authorization) holds exactly those counts.
Then SIGTERM: the server must exit within 5 s, leave no process, and both the stats file and
its last stderr line must hold the same counts.

Environment: BARRAGE_BUILD_DIR (any-service's build, default a temporary one) and
CHECK_CLIENT_BUILD_DIR (a grpc-python build, as for check-grpc-recipe.py). Only 127.0.0.1 is
ever contacted. Exits 0 when every check passed, 1 otherwise.
"""
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The recipe check's helpers (build, ports, refusals, process groups), not a copy of them.
_spec = importlib.util.spec_from_file_location("check_grpc_recipe", os.path.join(HERE, "check-grpc-recipe.py"))
recipe_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(recipe_check)
CheckFailed = recipe_check.CheckFailed
HOST = recipe_check.HOST
RECIPE = os.path.join(recipe_check.CONTAINERS, "any-service")
TOKEN = "check-token"

# What the client's calls leave in the server's counters.
EXPECTED_STATS = {
    "methods": {
        "Post": {"received": 21, "intact": 20, "damaged": 1, "sent": 20},
        "List": {"received": 1, "intact": 1, "damaged": 0, "sent": 5},
        "Upload": {"received": 3, "intact": 3, "damaged": 0, "sent": 1},
        "Sync": {"received": 4, "intact": 4, "damaged": 0, "sent": 4},
        "Hold": {"received": 2, "intact": 2, "damaged": 0, "sent": 1},
    },
    "unauthenticated": 2,
}


def say(message):
    print(f"check-any-service: {message}", flush=True)


def check():
    scratch = tempfile.mkdtemp(prefix="check-any-service-")
    passed = []
    process = None
    try:
        build_dir = os.environ.get("BARRAGE_BUILD_DIR") or os.path.join(scratch, "build")
        client_dir = os.environ.get("CHECK_CLIENT_BUILD_DIR") or os.path.join(scratch, "client")
        build_log = os.path.join(scratch, "build.log")
        first = recipe_check.run_build(RECIPE, build_dir, build_log)
        again = recipe_check.run_build(RECIPE, build_dir, build_log)
        if again > 5.0:
            raise CheckFailed(f"a second build took {again:.1f} s: it should only compare its stamp")
        passed.append(f"build {first:.1f} s, again {again:.2f} s")
        say(f"build ok in {first:.1f} s; the second run took {again:.2f} s")
        client_time = recipe_check.run_build(os.path.join(recipe_check.CONTAINERS, "grpc-python"), client_dir,
                                             os.path.join(scratch, "client-build.log"))
        say(f"client: grpc-python build in {client_dir} ready in {client_time:.1f} s")
        client_python = os.path.join(client_dir, "venv", "bin", "python")
        gen = os.path.join(scratch, "gen")
        os.mkdir(gen)
        subprocess.run([client_python, "-m", "grpc_tools.protoc", "-I", RECIPE, f"--python_out={gen}",
                        os.path.join(RECIPE, "ledger.proto")], check=True)

        line = recipe_check.expect_refusal(RECIPE, recipe_check.recipe_env(build_dir, BARRAGE_PROTOCOL="tcp-echo"),
                                           "with BARRAGE_PROTOCOL=tcp-echo", 2)
        passed.append("refuses tcp-echo")
        say(f"refuses tcp-echo with exit 2: {line}")
        empty = os.path.join(scratch, "empty")
        os.mkdir(empty)
        line = recipe_check.expect_refusal(RECIPE, recipe_check.recipe_env(empty), "without a build", None)
        passed.append("says build is missing")
        say(f"without a build it fails with: {line}")

        port = recipe_check.free_port()
        stats_file = os.path.join(scratch, "stats.json")
        server_log = os.path.join(scratch, "server.log")
        env = recipe_check.recipe_env(build_dir, BARRAGE_PORT=str(port), LEDGER_TOKEN=TOKEN,
                                      LEDGER_STATS_FILE=stats_file)
        with open(server_log, "wb") as log:
            process = subprocess.Popen([os.path.join(RECIPE, "run")], cwd=RECIPE, env=env, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=log, start_new_session=True)
        recipe_check.wait_accepting(process, port, server_log)
        command = os.path.basename(os.readlink(f"/proc/{process.pid}/exe"))
        if command in recipe_check.SHELLS:
            raise CheckFailed(f"run's process is still the shell ({command}): run must exec the server")
        passed.append(f"run exec'd the server ({command})")

        try:
            result = subprocess.run([client_python, os.path.abspath(__file__), "--client", HOST, str(port), gen],
                                    stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise CheckFailed("the gRPC client took more than 120 s")
        output = result.stdout.decode(errors="replace").strip().splitlines()
        for line in output:
            say(line)
        if result.returncode != 0:
            raise CheckFailed(f"gRPC client exited {result.returncode}: "
                              f"{result.stderr.decode(errors='replace').strip()[-2000:]}{recipe_check.tail(server_log)}")
        passed.extend(output)

        os.kill(process.pid, signal.SIGTERM)
        stopping = time.monotonic()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            raise CheckFailed(f"the server was still running 5 s after SIGTERM:{recipe_check.tail(server_log)}")
        took = time.monotonic() - stopping
        time.sleep(0.2)
        if recipe_check.group_members(process.pid):
            raise CheckFailed("the server exited but left processes behind")
        passed.append(f"exits {took:.2f} s after SIGTERM")
        with open(stats_file) as file:
            from_file = json.load(file)
        # The file and the stderr line also count gzip messages (the Stats method does not);
        # this check sends none, so both stay 0.
        wanted = {**EXPECTED_STATS, "gzip": {"inflated": 0, "compressed": 0}}
        if from_file != wanted:
            raise CheckFailed(f"LEDGER_STATS_FILE holds {from_file}, wanted {wanted}")
        with open(server_log, errors="replace") as log:
            lines = [line for line in log.read().splitlines() if line.startswith("any-service: stats ")]
        if not lines or json.loads(lines[-1][len("any-service: stats "):]) != wanted:
            raise CheckFailed(f"the last stats line on stderr is {lines[-1:]}, wanted {wanted}")
        passed.append("stats file and stderr line hold the counts")
        say(f"exited {took:.2f} s after SIGTERM; LEDGER_STATS_FILE and the stderr line hold the expected counts")
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
    import grpc
    from google.protobuf import json_format

    import ledger_pb2 as pb

    def expect_status(call, code, phrase, what):
        try:
            call()
        except grpc.RpcError as error:
            if error.code() != code or phrase not in (error.details() or ""):
                sys.exit(f"{what}: {error.code()} {error.details()!r}, wanted {code} saying {phrase!r}")
            return error.details()
        sys.exit(f"{what}: succeeded, wanted {code}")

    with open(os.path.join(RECIPE, "known-entry.json")) as file:
        known = json_format.Parse(file.read(), pb.Entry())
    auth = [("authorization", f"Bearer {TOKEN}")]
    with grpc.insecure_channel(f"{host}:{port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=10)

        def method(kind, name, request, response):
            return getattr(channel, kind)(f"/ledger.v1.Ledger/{name}", request_serializer=request.SerializeToString,
                                          response_deserializer=response.FromString)

        health = channel.unary_unary("/grpc.health.v1.Health/Check")(b"", timeout=5)
        if health != b"\x08\x01":
            sys.exit(f"health: answered {health!r}, wanted SERVING (08 01)")
        print("health: SERVING without authorization")

        post = method("unary_unary", "Post", pb.Entry, pb.Receipt)
        for index in range(20):
            receipt = post(known, metadata=auth, timeout=5)
            if receipt.balance_units != known.amount.units or receipt.kind != known.kind:
                sys.exit(f"Post {index}: receipt {receipt}")
        damaged = pb.Entry()
        damaged.CopyFrom(known)
        damaged.amount.units += 1
        said = expect_status(lambda: post(damaged, metadata=auth, timeout=5), grpc.StatusCode.INVALID_ARGUMENT,
                             "amount", "Post of a damaged entry")
        print(f"Post: 20 known entries intact; a changed amount is INVALID_ARGUMENT: {said}")
        said = expect_status(lambda: post(known, timeout=5), grpc.StatusCode.UNAUTHENTICATED,
                             "missing authorization", "Post without authorization")
        expect_status(lambda: post(known, metadata=[("authorization", "Bearer wrong")], timeout=5),
                      grpc.StatusCode.UNAUTHENTICATED, "wrong bearer token", "Post with a wrong token")
        print(f"Post without authorization or with a wrong token: UNAUTHENTICATED ({said})")

        entries = list(method("unary_stream", "List", pb.ListRequest, pb.Entry)(
            pb.ListRequest(account=known.account, count=5, kind=known.kind), metadata=auth, timeout=5))
        if len(entries) != 5 or any(entry != known for entry in entries):
            sys.exit(f"List: {len(entries)} entries, wanted 5 equal to the known one")
        print("List count 5: 5 entries, each the known one")

        summary = method("stream_unary", "Upload", pb.Entry, pb.UploadSummary)(
            iter([known] * 3), metadata=auth, timeout=5)
        if (summary.received, summary.intact) != (3, 3):
            sys.exit(f"Upload: {summary}, wanted received 3, intact 3")
        receipts = list(method("stream_stream", "Sync", pb.Entry, pb.Receipt)(iter([known] * 4), metadata=auth, timeout=5))
        if len(receipts) != 4:
            sys.exit(f"Sync: {len(receipts)} receipts, wanted 4")
        print("Upload of 3: received 3, intact 3; Sync of 4: 4 receipts")

        hold = method("unary_unary", "Hold", pb.HoldRequest, pb.Receipt)
        slow = pb.HoldRequest(account=known.account)
        slow.delay.FromMilliseconds(2000)
        started = time.monotonic()
        expect_status(lambda: hold(slow, metadata=auth, timeout=0.3), grpc.StatusCode.DEADLINE_EXCEEDED, "",
                      "Hold 2 s with a 0.3 s deadline")
        waited = time.monotonic() - started
        quick = pb.HoldRequest(account=known.account)
        quick.delay.FromMilliseconds(10)
        hold(quick, metadata=auth, timeout=5)
        print(f"Hold: 2 s delay with a 0.3 s deadline is DEADLINE_EXCEEDED after {waited:.2f} s; 10 ms is OK")

        stats = json_format.MessageToDict(method("unary_unary", "Stats", pb.StatsRequest, pb.LedgerStats)(
            pb.StatsRequest(), timeout=5), always_print_fields_with_no_presence=True)
        numbers = {"methods": {name: {key: int(value) for key, value in counts.items()}
                               for name, counts in stats["methods"].items()},
                   "unauthenticated": int(stats["unauthenticated"])}
        if numbers != EXPECTED_STATS:
            sys.exit(f"Stats: {numbers}, wanted {EXPECTED_STATS}")
        print("Stats without authorization: every count as expected")


def main(argv):
    if len(argv) == 5 and argv[1] == "--client":
        client(argv[2], int(argv[3]), argv[4])
        return 0
    if len(argv) != 1:
        print(f"usage: {argv[0]}", file=sys.stderr)
        return 2
    # As in check-grpc-recipe.py: a parent may have SIGTERM blocked, and the mask is inherited.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    try:
        passed = check()
    except CheckFailed as failure:
        say(f"FAILED: {failure}")
        say(f"{len(getattr(failure, 'passed', []))} passed, 1 failed")
        return 1
    except (OSError, subprocess.SubprocessError) as error:
        say(f"FAILED: {error}")
        say("0 passed, 1 failed")
        return 1
    say(f"{len(passed)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
