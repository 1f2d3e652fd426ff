"""tcp-echo server for Barrage: echoes every byte it reads, until SIGTERM."""
import asyncio
import os
import signal
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            import socket
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.transport.write(data)


async def main():
    host = os.environ.get("BARRAGE_HOST", "127.0.0.1")
    port = int(os.environ.get("BARRAGE_PORT", "0"))
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    server = await loop.create_server(Echo, host, port, backlog=4096, reuse_address=True)
    print(f"python-echo: listening on {host}:{port} (Python {sys.version.split()[0]})", file=sys.stderr, flush=True)
    async with server:
        await stop
    print("python-echo: stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
