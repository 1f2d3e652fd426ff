"""grpc-python Echo server for Barrage: serves bench.Echo (Containers/bench.proto) with grpc.aio
on $BARRAGE_HOST:$BARRAGE_PORT until SIGTERM. bench_pb2*.py come from the build directory."""
import asyncio
import os
import signal
import sys

build_dir = sys.argv[1]
sys.path.insert(0, os.path.join(build_dir, "gen"))

import grpc  # noqa: E402
import google.protobuf  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402
import bench_pb2_grpc  # noqa: E402

# How long in-flight calls get after SIGTERM before the server cancels them. Barrage sends
# SIGKILL 2 s after SIGTERM, and clients may hold streams open.
GRACE_S = 1.0


class Echo(bench_pb2_grpc.EchoServicer):
    async def Unary(self, request, context):
        return request

    async def Stream(self, request_iterator, context):
        async for request in request_iterator:
            yield request


async def serve():
    host = os.environ.get("BARRAGE_HOST") or "127.0.0.1"
    port = int(os.environ.get("BARRAGE_PORT") or "0")
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    server = grpc.aio.server()
    bench_pb2_grpc.add_EchoServicer_to_server(Echo(), server)
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError as error:
        print(f"grpc-python: cannot listen on {address}: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    print(f"grpc-python: listening on {address.rsplit(':', 1)[0]}:{bound} (grpcio {grpc.__version__}, "
          f"protobuf {google.protobuf.__version__} ({api_implementation.Type()}), Python {sys.version.split()[0]}, one process, asyncio)",
          file=sys.stderr, flush=True)
    await stop.wait()
    await server.stop(GRACE_S)
    print("grpc-python: stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    protocol = os.environ.get("BARRAGE_PROTOCOL") or "grpc"
    if protocol != "grpc":
        print(f"grpc-python serves grpc only, not {protocol}", file=sys.stderr)
        sys.exit(2)
    asyncio.run(serve())
