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


def tls_credentials():
    """h2 over TLS (grpcio's BoringSSL, ALPN h2) when $BARRAGE_TLS_CERT and $BARRAGE_TLS_KEY name a
    PEM certificate chain and key; with $BARRAGE_TLS_CLIENT_CA too, clients must present a
    certificate of that CA (mutual TLS). None in cleartext."""
    cert, key = os.environ.get("BARRAGE_TLS_CERT"), os.environ.get("BARRAGE_TLS_KEY")
    if not cert and not key:
        return None, "cleartext"
    if not cert or not key:
        print("grpc-python: BARRAGE_TLS_CERT and BARRAGE_TLS_KEY go together", file=sys.stderr, flush=True)
        sys.exit(1)
    try:
        with open(key, "rb") as key_file, open(cert, "rb") as cert_file:
            pair = (key_file.read(), cert_file.read())
        client_ca = os.environ.get("BARRAGE_TLS_CLIENT_CA")
        roots = None
        if client_ca:
            with open(client_ca, "rb") as ca_file:
                roots = ca_file.read()
    except OSError as error:
        print(f"grpc-python: cannot read {error.filename}: {error.strerror}", file=sys.stderr, flush=True)
        sys.exit(1)
    credentials = grpc.ssl_server_credentials([pair], root_certificates=roots, require_client_auth=roots is not None)
    return credentials, "mutual TLS (BoringSSL)" if roots else "TLS (BoringSSL)"


async def serve():
    host = os.environ.get("BARRAGE_HOST") or "127.0.0.1"
    port = int(os.environ.get("BARRAGE_PORT") or "0")
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    server = grpc.aio.server()
    bench_pb2_grpc.add_EchoServicer_to_server(Echo(), server)
    credentials, tls_summary = tls_credentials()
    try:
        bound = server.add_secure_port(address, credentials) if credentials else server.add_insecure_port(address)
    except RuntimeError as error:
        print(f"grpc-python: cannot listen on {address}: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    print(f"grpc-python: listening on {address.rsplit(':', 1)[0]}:{bound} (grpcio {grpc.__version__}, "
          f"protobuf {google.protobuf.__version__} ({api_implementation.Type()}), Python {sys.version.split()[0]}, one process, asyncio, {tls_summary})",
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
