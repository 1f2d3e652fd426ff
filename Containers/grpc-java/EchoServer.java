// grpc-java Echo server for Barrage: serves bench.Echo (Containers/bench.proto) on
// $BARRAGE_HOST:$BARRAGE_PORT with the Netty transport until SIGTERM. The build compiles it
// beside the classes protoc and grpc_java_plugin generate (package bench).
import bench.Bench.Payload;
import bench.EchoGrpc;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
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

        // NIO, not epoll: Debian's libnetty-java ships no native transport library. One boss
        // thread accepts; `threads` workers run every connection. The echo never blocks, so the
        // calls run on the event loop (directExecutor, grpc-java's advice for non-blocking
        // services) instead of grpc-java's default unbounded cached thread pool, which would
        // add threads beyond the CPUs the server is given.
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(threads);
        Server server;
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                    .channelType(NioServerSocketChannel.class)
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers)
                    .directExecutor()
                    .withChildOption(ChannelOption.TCP_NODELAY, true)
                    .addService(new Echo())
                    .build()
                    .start();
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
                + "%d CPUs seen by the JVM, max heap %d MiB)%n",
                host, server.getPort(), io.grpc.internal.GrpcUtil.getGrpcBuildVersion().getImplementationVersion(),
                System.getProperty("java.version"), threads, runtime.availableProcessors(),
                runtime.maxMemory() >> 20);
        server.awaitTermination();
    }
}
