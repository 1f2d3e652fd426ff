// grpc-swift 2 Echo server for Barrage: serves bench.Echo (Containers/bench.proto) on
// $BARRAGE_HOST:$BARRAGE_PORT with the HTTP/2 NIO POSIX transport until SIGTERM.
import Dispatch
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How long in-flight calls get after SIGTERM before the process exits. Barrage sends SIGKILL
/// 2 s after SIGTERM, and clients may hold streams open.
let gracePeriod = DispatchTimeInterval.seconds(1)

func fail(_ message: String, status: Int32 = 1) -> Never {
    StandardError.write("grpc-swift-2: \(message)\n")
    exit(status)
}

/// Writes to stderr without Foundation (the server does not link it).
enum StandardError {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}

func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    let text = String(cString: value)
    return text.isEmpty ? nil : text
}

if let protocolName = environment("BARRAGE_PROTOCOL"), protocolName != "grpc" {
    StandardError.write("grpc-swift-2 serves grpc only, not \(protocolName)\n")
    exit(2)
}
let host = environment("BARRAGE_HOST") ?? "127.0.0.1"
let portText = environment("BARRAGE_PORT") ?? "0"
guard let port = Int(portText), (0...65535).contains(port) else {
    fail("BARRAGE_PORT must be a port number, not \"\(portText)\"")
}

// Event-loop threads: ceil($BARRAGE_CPUS), else one per core of the machine.
let threads: Int
let threadSource: String
if let cpusText = environment("BARRAGE_CPUS") {
    guard let cpus = Double(cpusText), cpus > 0, cpus.isFinite else {
        fail("BARRAGE_CPUS must be a number of cores greater than 0, such as 1 or 0.5, not \"\(cpusText)\"")
    }
    threads = Int(cpus.rounded(.up))
    threadSource = "BARRAGE_CPUS=\(cpusText)"
} else {
    threads = System.coreCount
    threadSource = "all cores"
}

/// h2 over TLS (SwiftNIO SSL, its own BoringSSL; TLS 1.2 and 1.3, ALPN h2) when
/// $BARRAGE_TLS_CERT and $BARRAGE_TLS_KEY name a PEM certificate chain and key; with
/// $BARRAGE_TLS_CLIENT_CA too, clients must present a certificate of that CA (mutual TLS).
/// Plaintext otherwise. The files are read when the server starts listening.
func transportSecurity() -> (HTTP2ServerTransport.Posix.TransportSecurity, String) {
    let cert = environment("BARRAGE_TLS_CERT")
    let key = environment("BARRAGE_TLS_KEY")
    guard let cert, let key else {
        if cert != nil || key != nil { fail("BARRAGE_TLS_CERT and BARRAGE_TLS_KEY go together") }
        return (.plaintext, "cleartext")
    }
    let chain: [TLSConfig.CertificateSource] = [.file(path: cert, format: .pem)]
    let privateKey: TLSConfig.PrivateKeySource = .file(path: key, format: .pem)
    guard let clientCA = environment("BARRAGE_TLS_CLIENT_CA") else {
        return (.tls(certificateChain: chain, privateKey: privateKey), "TLS (SwiftNIO SSL)")
    }
    // Clients carry no host name to check: the certificate must chain to the CA, that is all.
    let security = HTTP2ServerTransport.Posix.TransportSecurity.mTLS(
        certificateChain: chain,
        privateKey: privateKey
    ) { config in
        config.trustRoots = .certificates([.file(path: clientCA, format: .pem)])
        config.clientCertificateVerification = .noHostnameVerification
    }
    return (security, "mutual TLS (SwiftNIO SSL)")
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let address: GRPCNIOTransportCore.SocketAddress = host.contains(":")
    ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
let (security, tlsSummary) = transportSecurity()
// The transport's defaults, unchanged: README.md lists them.
let transport = HTTP2ServerTransport.Posix(
    address: address,
    transportSecurity: security,
    config: .defaults,
    eventLoopGroup: group
)
let server = GRPCServer(transport: transport, services: [EchoService()])

/// SIGTERM/SIGINT: stop accepting, let calls in flight finish, exit after `grace` whatever is
/// still open. A function of its own: closures written at the top level of main.swift belong to
/// the main actor, and Swift checks that when the signal queue runs them (a crash otherwise).
func stopOnSignals(_ server: GRPCServer<HTTP2ServerTransport.Posix>, grace: DispatchTimeInterval)
    -> [any DispatchSourceSignal] {
    let queue = DispatchQueue(label: "signals")
    return [SIGTERM, SIGINT].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler {
            server.beginGracefulShutdown()
            queue.asyncAfter(deadline: .now() + grace) {
                StandardError.write("grpc-swift-2: stopped (grace period over)\n")
                exit(0)
            }
        }
        source.resume()
        return source
    }
}
let signalSources = stopOnSignals(server, grace: gracePeriod)

do {
    try await withThrowingDiscardingTaskGroup { tasks in
        tasks.addTask { try await server.serve() }
        // When the transport cannot start (an address in use, TLS files that do not load),
        // serve() throws why; listeningAddress would only say that there is no address.
        guard let bound = try? await transport.listeningAddress else { return }
        StandardError.write(
            "grpc-swift-2: listening on \(bound) (grpc-swift-2 2.4.3, grpc-swift-nio-transport 2.9.2, "
                + "\(threads) event-loop threads, \(threadSource), \(tlsSummary))\n"
        )
    }
} catch {
    fail("cannot serve on \(host):\(port) with \(tlsSummary): \(error)")
}
withExtendedLifetime(signalSources) {}
StandardError.write("grpc-swift-2: stopped\n")
