import Agent
import ArgumentParser
import Foundation
import Metrics
import ProtoSchema
import TLSSettings
import Topology
import Wire

/// `barrage load`: one client worker's load against a server that is already running.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Drive load from this process against a running server and print what it measured.",
        discussion:
            "No coordinator, no server management: for comparing the load generator itself (make bench) or probing a server by hand."
    )

    @Option(help: "HOST:PORT of the server.")
    var target: String

    @Option(name: .customLong("protocol"), help: "tcp-echo or grpc.")
    var protocolName: String = "grpc"

    @Option(help: "unary or stream (grpc).")
    var call: String = "unary"

    @Option(help: "Connections to open.")
    var connections: Int = 100

    @Option(help: "Requests in flight per connection (HTTP/2 streams).")
    var concurrency: Int = 1

    @Option(help: "Event-loop threads.")
    var threads: Int = 1

    @Option(help: "Payload bytes.")
    var payload: Int = 64

    @Option(help: "Total requests per second (open loop); omit for closed loop.")
    var rate: Double?

    @Option(help: "Warmup seconds.")
    var warmup: Double = 2

    @Option(help: "Measurement seconds.")
    var duration: Double = 10

    @Option(help: "gRPC: call this :path instead of the method's (e.g. to see a server's answer to an unknown method).")
    var path: String?

    @Option(
        help: "Connection churn: each connection closes gracefully after this long (e.g. 500ms, 1s) and a new one replaces it.")
    var connectionLifetime: String?

    @Option(help: "Connection churn: each connection closes gracefully after this many calls and a new one replaces it.")
    var connectionRequests: Int?

    @Option(help: "The shortest server pause reported (e.g. 10ms).")
    var pause: String = "10ms"

    @Option(name: .customLong("metadata"), help: "gRPC: a header on every call, KEY=VALUE (repeat it; -bin keys take base64).")
    var metadata: [String] = []

    @Option(help: "gRPC: the call deadline (e.g. 200ms), sent as grpc-timeout; the client gives up then too.")
    var deadline: String?

    @Option(help: "gRPC: identity or gzip (requests compressed once, grpc-encoding: gzip).")
    var compression: String = "identity"

    @Flag(help: "h2 over TLS (ALPN h2), verifying the server's certificate.")
    var tls = false

    @Option(help: "TLS: the CA certificates (PEM) the server's certificate must verify against; default: the system's.")
    var ca: String?

    @Option(help: "TLS: the name the server's certificate must carry, sent as SNI; default: the target's host.")
    var serverName: String?

    @Option(help: "TLS: this client's certificate chain (PEM) for mutual TLS; needs --key.")
    var cert: String?

    @Option(help: "TLS: the private key (PEM) of --cert.")
    var key: String?

    @Option(help: "gRPC: the .proto of your service (compiled with protoc); with --method and --data.")
    var proto: String?

    @Option(name: .customLong("import-path"), help: "gRPC: a folder protoc searches for imports (repeat it).")
    var importPaths: [String] = []

    @Option(help: "gRPC: the method to call, package.Service/Method (unary or streaming, read from --proto).")
    var method: String?

    @Option(help: "gRPC: a request message in protobuf's JSON mapping (repeat it: dealt round-robin); default '{}'.")
    var data: [String] = []

    @Option(name: .customLong("data-file"), help: "gRPC: request messages, one JSON message a line, instead of --data.")
    var dataFile: String?

    @Option(name: .customLong("messages-per-stream"), help: "gRPC: client- and bidi-streaming methods: messages per stream.")
    var messagesPerStream: Int?

    @Flag(help: "Print the raw result as JSON instead of a summary line.")
    var json = false

    func validate() throws {
        if case .failure(let problem) = ServerEndpoint.parse(target) {
            throw ValidationError("--target \(problem.words), got '\(target)'")
        }
        guard WorkloadProtocol(rawValue: protocolName) != nil else {
            throw ValidationError("--protocol must be tcp-echo or grpc")
        }
        guard Call(rawValue: call) != nil else { throw ValidationError("--call must be unary or stream") }
        guard connections >= 1, concurrency >= 1, threads >= 1, payload >= 1 else {
            throw ValidationError("--connections, --concurrency, --threads and --payload must be at least 1")
        }
        guard threads <= 256 else { throw ValidationError("--threads must be at most 256, got \(threads)") }
        // The topology's bounds: past them a value is a typo, and some would trap the load path.
        guard connections <= 1_000_000, concurrency <= 1_000, payload <= 16 << 20 else {
            throw ValidationError("--connections must be at most 1000000, --concurrency at most 1000, --payload at most 16777216")
        }
        guard warmup >= 0, duration > 0, rate.map({ $0 > 0 }) ?? true else {
            throw ValidationError("--warmup must be ≥ 0, --duration and --rate > 0")
        }
        guard warmup <= 86_400, duration <= 86_400 else {
            throw ValidationError("--warmup and --duration must be at most 86400 seconds (24 hours)")
        }
        if let rate, !(0.001...1e9).contains(rate) {
            throw ValidationError("--rate must be 0.001 to 1000000000 requests per second, got \(rate)")
        }
        _ = try connectionLifetimeSetting()
        _ = try pauseMilliseconds()
        _ = try metadataEntries()
        if proto == nil {
            guard method == nil, data.isEmpty, dataFile == nil, importPaths.isEmpty, messagesPerStream == nil else {
                throw ValidationError("--method, --data, --data-file, --import-path and --messages-per-stream need --proto")
            }
        } else {
            guard method != nil else { throw ValidationError("--proto needs --method package.Service/Method") }
            guard data.isEmpty || dataFile == nil else { throw ValidationError("use either --data or --data-file, not both") }
            guard path == nil else { throw ValidationError("--path and --proto exclude each other: the method names the path") }
            guard protocolName == "grpc" else { throw ValidationError("--proto needs --protocol grpc") }
            if let messagesPerStream, messagesPerStream < 1 {
                throw ValidationError("--messages-per-stream must be at least 1")
            }
        }
        if let deadline, !(1...Workload.maximumMilliseconds).contains(Workload.milliseconds(of: deadline) ?? 0) {
            throw ValidationError("--deadline must be a duration such as 200ms, 2s or 1m, at most 24 hours, got '\(deadline)'")
        }
        guard MessageCompression(rawValue: compression) != nil else {
            throw ValidationError("--compression must be identity or gzip")
        }
        if !tls, ca != nil || serverName != nil || cert != nil || key != nil {
            throw ValidationError("--ca, --server-name, --cert and --key need --tls")
        }
        guard (cert == nil) == (key == nil) else { throw ValidationError("--cert and --key go together") }
    }

    /// `--connection-lifetime` or `--connection-requests`, at most one of them.
    func connectionLifetimeSetting() throws -> ConnectionLifetime? {
        switch (connectionLifetime, connectionRequests) {
        case (.some, .some):
            throw ValidationError("--connection-lifetime and --connection-requests exclude each other")
        case (.some(let text), nil):
            guard let milliseconds = Workload.milliseconds(of: text), (1...Workload.maximumMilliseconds).contains(milliseconds)
            else {
                throw ValidationError(
                    "--connection-lifetime must be a duration such as 500ms or 1s, at most 24 hours, got '\(text)'")
            }
            return .lifetime(milliseconds: milliseconds)
        case (nil, .some(let count)):
            guard (1...ConnectionLifetime.maximumCalls).contains(count) else {
                throw ValidationError("--connection-requests must be 1 to \(ConnectionLifetime.maximumCalls), got \(count)")
            }
            return .requests(count)
        case (nil, nil):
            return nil
        }
    }

    /// `--pause` in milliseconds, 1 ms to 60 s.
    func pauseMilliseconds() throws -> Int {
        guard let milliseconds = Workload.milliseconds(of: pause), (1...60_000).contains(milliseconds) else {
            throw ValidationError("--pause must be a duration from 1ms to 60s, got '\(pause)'")
        }
        return milliseconds
    }

    /// `--metadata KEY=VALUE` options, checked as the topology's `metadata` is.
    func metadataEntries() throws -> [MetadataEntry] {
        try metadata.map { option in
            guard let equals = option.firstIndex(of: "=") else {
                throw ValidationError("--metadata must be KEY=VALUE, got '\(option)'")
            }
            let entry = MetadataEntry(name: String(option[..<equals]), value: String(option[option.index(after: equals)...]))
            if let problem = MetadataEntry.nameProblem(entry.name) ?? entry.valueProblem {
                throw ValidationError("--metadata '\(entry.name)' \(problem)")
            }
            return entry
        }
    }

    /// `--proto`'s method with its requests encoded, or nil without `--proto`. Problems are
    /// printed as `FILE:LINE:COLUMN: error:` (`--data` for a request given inline) and exit 2.
    func serviceCall() throws -> ServiceCall? {
        guard let proto, let method else { return nil }
        let start = SourceLocation(line: 1, column: 1)
        var requests: ServiceSpec.Requests = .inline([.object([], start)])
        if let dataFile {
            requests = .file(dataFile)
        } else if !data.isEmpty {
            var values: [ProtoJSONValue] = []
            for (index, text) in data.enumerated() {
                do {
                    values.append(try ProtoJSONText.parse(text))
                } catch {
                    let location = (error as? ProtoJSONSyntaxError)?.location ?? start
                    let which = data.count > 1 ? "--data #\(index + 1)" : "--data"
                    printError(
                        "\(which):\(location.line):\(location.column): error: not JSON: \((error as? ProtoJSONSyntaxError)?.message ?? "\(error)")"
                    )
                    throw ExitCode(2)
                }
            }
            requests = .inline(values)
        }
        let spec = ServiceSpec(
            proto: proto, protoLocation: start, importPaths: importPaths, method: method, methodLocation: start,
            requests: requests, requestsLocation: start, messagesPerStream: messagesPerStream,
            messagesPerStreamLocation: messagesPerStream.map { _ in start })
        switch ServiceCompilation.compile(spec, file: "--data", folder: FileManager.default.currentDirectoryPath) {
        case .success(let call):
            return call
        case .failure(let errors):
            // Positions in --data mean something; the .proto and --method's have none of their own.
            for problem in errors.diagnostics {
                printError(
                    problem.file == "--data" && problem.message.hasPrefix("request")
                        ? problem.description : "barrage load: error: \(problem.message)")
            }
            throw ExitCode(2)
        }
    }

    func run() throws {
        // validate() has read it.
        let endpoint = try ServerEndpoint.parse(target).get()
        let setup = ClientSetup(
            node: "load", host: "local", targets: [endpoint],
            protocolKind: WorkloadProtocol(rawValue: protocolName)!, call: Call(rawValue: call)!,
            payloadBytes: payload, connections: connections, concurrency: concurrency, threads: threads,
            ratePerSecond: rate, requestTimeoutMs: 10_000, connectTimeoutMs: 10_000, path: path,
            connectionLifetime: try connectionLifetimeSetting(), pauseThresholdMs: UInt64(try pauseMilliseconds()),
            metadata: try metadataEntries(), deadlineMs: deadline.flatMap { Workload.milliseconds(of: $0) }.map(UInt64.init),
            compression: MessageCompression(rawValue: compression) ?? .identity,
            tls: tls ? TLSClientSettings(caFile: ca, serverName: serverName, certFile: cert, keyFile: key) : nil,
            service: try serviceCall())
        let result: ClientNodeResult
        do {
            result = try StandaloneLoad.run(setup: setup, warmupMs: UInt64(warmup * 1000), durationMs: UInt64(duration * 1000))
        } catch {
            printError("barrage load: \(error)")
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print(LoadSummaryText.line(result, connectionsAsked: connections))
    }
}
