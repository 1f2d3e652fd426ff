// grpc-java Echo server for Barrage: serves bench.Echo (Containers/bench.proto) on
// $BARRAGE_HOST:$BARRAGE_PORT with the Netty transport until SIGTERM, over TLS when
// $BARRAGE_TLS_CERT and $BARRAGE_TLS_KEY are set. The build compiles it
// beside the classes protoc and grpc_java_plugin generate (package bench).
import bench.Bench.Payload;
import bench.EchoGrpc;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

public final class EchoServer {
    /** How long in-flight calls get after SIGTERM before every connection is closed. Barrage
     *  sends SIGKILL 2 s after SIGTERM, and clients may hold streams open. */
    private static final long GRACE_MILLIS = 1000;

    static final class Echo extends EchoGrpc.EchoImplBase {
        @Override
        public void unary(Payload request, StreamObserver<Payload> responseObserver) {
            responseObserver.onNext(request);
            responseObserver.onCompleted();
        }

        @Override
        public StreamObserver<Payload> stream(StreamObserver<Payload> responseObserver) {
            return new StreamObserver<Payload>() {
                @Override
                public void onNext(Payload message) {
                    responseObserver.onNext(message);
                }

                @Override
                public void onError(Throwable error) {
                    // The client cancelled or the connection went away: nothing left to answer.
                }

                @Override
                public void onCompleted() {
                    responseObserver.onCompleted();
                }
            };
        }
    }

    private static void fail(String message) {
        System.err.println("grpc-java: " + message);
        System.exit(1);
    }

    /** Event-loop threads: ceil($BARRAGE_CPUS), else what the JVM counts (which `run` already
     *  bounds with -XX:ActiveProcessorCount). */
    private static int eventLoopThreads() {
        String text = System.getenv("BARRAGE_CPUS");
        if (text == null || text.isEmpty()) {
            return Runtime.getRuntime().availableProcessors();
        }
        double cpus;
        try {
            cpus = Double.parseDouble(text);
        } catch (NumberFormatException error) {
            cpus = Double.NaN;
        }
        if (!(cpus > 0) || Double.isInfinite(cpus)) {
            fail("BARRAGE_CPUS must be a number of cores greater than 0, such as 1 or 0.5, not \"" + text + "\"");
        }
        return (int) Math.ceil(cpus);
    }

    private static String environment(String name) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** h2 over TLS when $BARRAGE_TLS_CERT and $BARRAGE_TLS_KEY name a PEM certificate chain and
     *  key (PKCS#8): OpenSSL through netty-tcnative (Debian's, on the system libssl3), with
     *  grpc-java's settings for it (ALPN h2, HTTP/2's cipher suites) and TLS 1.2 and 1.3. With
     *  $BARRAGE_TLS_CLIENT_CA too, clients must present a certificate of that CA (mutual TLS).
     *  Null in cleartext. Not the JDK's own TLS: Debian's netty 4.1.48 leaves out the classes
     *  that negotiate ALPN on it, and gRPC over TLS needs ALPN. */
    private static SslContext tlsContext() {
        String cert = environment("BARRAGE_TLS_CERT");
        String key = environment("BARRAGE_TLS_KEY");
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null || key == null) {
            fail("BARRAGE_TLS_CERT and BARRAGE_TLS_KEY go together");
        }
        String clientCA = environment("BARRAGE_TLS_CLIENT_CA");
        try {
            // netty 4.1.48 offers TLS 1.3 on OpenSSL only when asked.
            SslContextBuilder builder = GrpcSslContexts.configure(
                    SslContextBuilder.forServer(new File(cert), new File(key)), SslProvider.OPENSSL)
                    .protocols("TLSv1.3", "TLSv1.2");
            if (clientCA != null) {
                builder.trustManager(new File(clientCA)).clientAuth(ClientAuth.REQUIRE);
            }
            return builder.build();
        } catch (Exception | LinkageError error) {
            // LinkageError: netty-tcnative's native library did not load (`run` points
            // java.library.path at the copy `build` makes).
            fail("cannot serve TLS with " + cert + " and " + key + (clientCA == null ? "" : " (client CA " + clientCA + ")")
                    + ": " + error);
            return null;
        }
    }

    public static void main(String[] arguments) throws Exception {
        String protocol = System.getenv("BARRAGE_PROTOCOL");
        if (protocol != null && !protocol.isEmpty() && !protocol.equals("grpc")) {
            System.err.println("grpc-java serves grpc only, not " + protocol);
            System.exit(2);
        }
        String host = System.getenv().getOrDefault("BARRAGE_HOST", "127.0.0.1");
        String portText = System.getenv().getOrDefault("BARRAGE_PORT", "0");
        int port = 0;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException error) {
            fail("BARRAGE_PORT must be a port number, not \"" + portText + "\"");
        }
        int threads = eventLoopThreads();
        SslContext tls = tlsContext();
        String security = tls == null ? "cleartext"
                : (environment("BARRAGE_TLS_CLIENT_CA") == null ? "TLS" : "mutual TLS")
                        + " (netty-tcnative, " + OpenSsl.versionString() + ")";

        // NIO, not epoll: Debian's libnetty-java ships no native transport library. One boss
        // thread accepts; `threads` workers run every connection. The echo never blocks, so the
        // calls run on the event loop (directExecutor, grpc-java's advice for non-blocking
        // services) instead of grpc-java's default unbounded cached thread pool, which would
        // add threads beyond the CPUs the server is given.
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(threads);
        Server server;
        try {
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                    .channelType(NioServerSocketChannel.class)
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers)
                    .directExecutor()
                    .withChildOption(ChannelOption.TCP_NODELAY, true)
                    .addService(new Echo());
            if (tls != null) {
                builder.sslContext(tls);
            }
            server = builder.build().start();
        } catch (java.io.IOException error) {
            fail("cannot listen on " + host + ":" + port + ": " + error.getMessage());
            return;
        }

        Server running = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.shutdown();
            try {
                if (!running.awaitTermination(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                    running.shutdownNow();
                    running.awaitTermination(GRACE_MILLIS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException error) {
                running.shutdownNow();
            }
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            System.err.println("grpc-java: stopped");
        }, "barrage-shutdown"));

        Runtime runtime = Runtime.getRuntime();
        System.err.printf("grpc-java: listening on %s:%d (grpc-java %s, Java %s, %d event-loop threads, "
                + "%d CPUs seen by the JVM, max heap %d MiB, %s)%n",
                host, server.getPort(), io.grpc.internal.GrpcUtil.getGrpcBuildVersion().getImplementationVersion(),
                System.getProperty("java.version"), threads, runtime.availableProcessors(),
                runtime.maxMemory() >> 20, security);
        server.awaitTermination();
    }
}
