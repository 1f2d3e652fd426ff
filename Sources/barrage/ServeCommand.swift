import ArgumentParser
import Glibc
import Serve
import UV

/// `barrage serve`: internal; the builtin system under test, in a process of its own.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Internal: the builtin server (tcp-echo).", shouldDisplay: false)

    @Option(name: .customLong("protocol"), help: "tcp-echo")
    var protocolName: String = "tcp-echo"

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to bind.")
    var port: Int

    func run() throws {
        guard protocolName == "tcp-echo" else {
            printError("barrage serve: the builtin server speaks tcp-echo only in this build, not \(protocolName)")
            throw ExitCode(2)
        }
        ignoreSIGPIPE()
        let loop = try Loop()
        let server: BuiltinEchoServer
        do {
            server = try BuiltinEchoServer(loop: loop, host: host, port: port)
        } catch {
            printError("barrage serve: cannot listen on \(host):\(port): \(error)")
            throw ExitCode(1)
        }
        let stop = { (_: Int32) in
            server.close()
            loop.stop()
        }
        let term = try Signal(loop: loop)
        try term.start(SIGTERM, stop)
        let interrupt = try Signal(loop: loop)
        try interrupt.start(SIGINT, stop)
        loop.run()
        loop.closeAll()
    }
}
