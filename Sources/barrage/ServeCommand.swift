import ArgumentParser
import BuiltinServer
import Glibc
import Serve
import UV

/// `barrage serve`: internal; the builtin system under test, in a process of its own.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Internal: the builtin server (grpc or tcp-echo).", shouldDisplay: false)

    @Option(name: .customLong("protocol"), help: "grpc or tcp-echo")
    var protocolName: String = "tcp-echo"

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to bind.")
    var port: Int

    @Option(help: "Event-loop threads, each with its own listener on the port (SO_REUSEPORT).")
    var threads: Int = 1

    func run() throws {
        let host = self.host
        // Known-answer test knobs (README: "Known-answer servers"), set as `env:` of the system.
        let knobs: BuiltinKnobs
        do {
            knobs = try BuiltinKnobs.from(
                environment: Dictionary(ProcessEnvironment.current(), uniquingKeysWith: { _, last in last }))
        } catch {
            printError("barrage serve: \(error)")
            throw ExitCode(2)
        }
        // h2 over TLS when given a certificate, told as every recipe is (`tls: true`).
        let environment = Dictionary(ProcessEnvironment.current(), uniquingKeysWith: { _, last in last })
        let tls = environment["BARRAGE_TLS_CERT"].flatMap { cert in environment["BARRAGE_TLS_KEY"].map { (cert, $0) } }
        let makeServer: MultiLoopServer.MakeServer
        switch protocolName {
        case "grpc":
            makeServer = { loop, port, reusePort in
                try BuiltinLoopServer.grpc(loop: loop, host: host, port: port, reusePort: reusePort, knobs: knobs, tls: tls)
            }
        case "tcp-echo":
            makeServer = { loop, port, reusePort in
                try BuiltinLoopServer.tcpEcho(loop: loop, host: host, port: port, reusePort: reusePort, knobs: knobs)
            }
        default:
            printError("barrage serve: unknown protocol \(protocolName) (expected grpc or tcp-echo)")
            throw ExitCode(2)
        }
        guard threads >= 1 else {
            printError("barrage serve: --threads must be at least 1, not \(threads)")
            throw ExitCode(2)
        }
        ignoreSIGPIPE()
        // 10,000 connections need 10,000 descriptors, whatever soft limit we were started with.
        _ = ResourceLimits.raiseOpenFilesToHardLimit()
        // The main thread only waits for a signal; the servers run on threads of their own.
        // Watch the signals first, so one that arrives while the servers start is handled
        // (once the loop runs) instead of killing the process.
        let loop = try Loop()
        let term = try Signal(loop: loop)
        let interrupt = try Signal(loop: loop)
        var servers: MultiLoopServer?
        let stop = { (_: Int32) in
            servers?.stop()  // closes listeners and connections, joins the threads
            term.close()
            interrupt.close()
        }
        try term.start(SIGTERM, stop)
        try interrupt.start(SIGINT, stop)
        do {
            servers = try MultiLoopServer(count: threads, port: port, makeServer: makeServer)
        } catch {
            printError("barrage serve: cannot listen on \(host):\(port): \(error)")
            loop.closeAll()
            throw ExitCode(1)
        }
        loop.run()
        loop.closeAll()
    }
}
