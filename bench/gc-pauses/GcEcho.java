import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.util.Iterator;

/**
 * A tcp-echo server on one NIO thread that keeps garbage alive for a while (a ring of small
 * arrays, a few replaced per request), so a small Serial-GC heap stops the world often and for
 * tens of milliseconds: a server whose pauses the JVM logs itself (-Xlog:gc), to check Barrage's
 * pauses against. Used by bench/gc_pauses.py; not a system under test.
 */
public class GcEcho {
    static final Object[] ring = new Object[Integer.getInteger("ring", 200_000)];
    static int next = 0;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port));
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        int perRequest = Integer.getInteger("objects", 64);
        while (true) {
            selector.select();
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (key.isAcceptable()) {
                    SocketChannel client = server.accept();
                    if (client == null) continue;
                    client.configureBlocking(false);
                    client.socket().setTcpNoDelay(true);
                    client.register(selector, SelectionKey.OP_READ);
                } else if (key.isReadable()) {
                    SocketChannel client = (SocketChannel) key.channel();
                    buffer.clear();
                    int n;
                    try { n = client.read(buffer); } catch (Exception e) { n = -1; }
                    if (n < 0) { key.cancel(); client.close(); continue; }
                    buffer.flip();
                    while (buffer.hasRemaining()) client.write(buffer);
                    // Garbage that lives a while: each request replaces a few slots of the ring.
                    for (int i = 0; i < perRequest; i++) {
                        ring[next] = new byte[256];
                        next = (next + 1) % ring.length;
                    }
                }
            }
        }
    }
}
