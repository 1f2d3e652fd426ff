import Metrics
import TLSSettings
import Topology
import Wire

/// Every decision about what a cell's workers are told, made from the plan and what the
/// workers reported — pure, so it is tested without a process or a socket.
///
/// The driver asks it for each worker's setup and the cell's deadlines and carries out the
/// answer; nothing here reads a clock, a file or the coordinator's own machine (the builtin
/// server is sized from the cores its host's worker reported, not from the coordinator's).
public struct SetupBuilder: Sendable {
    /// How long a request may stay unanswered before it counts as a "timeout" error.
    public static let requestTimeoutMs: UInt64 = 10_000
    /// How long a client may take to connect all its connections.
    public static let connectTimeoutMs: UInt64 = 10_000
    /// How long a started system may take to accept TCP (the worker's deadline).
    public static let systemReadyTimeoutMs: UInt64 = 60_000
    /// Spawn → every replica ready, when no recipe has to build first.
    public static let serverReadyMs: UInt64 = 60_000
    /// Spawn → every replica ready, when some replica's host builds its recipe first: a first
    /// build (a JVM, a Rust toolchain) can take many minutes.
    public static let serverReadyWithBuildMs: UInt64 = 900_000
    /// Resource sampling period of the server's process tree: ≥ 10 Hz, as the contract asks.
    public static let sampleIntervalMs: UInt64 = 100

    /// Absolute path of `Containers/` on this machine.
    public var containersDirectory: String
    /// Where recipes' builds go on this machine, one folder per container.
    public var buildCacheDirectory: String
    /// Hosts reached over ssh, by topology name: the recipes deployed there (container name →
    /// its folder relative to the remote worker's working directory, as the deployer placed it).
    public var remoteRecipeFolders: [String: [String: String]]
    /// The run's CA and each server host's certificate, when some cell speaks TLS.
    public var certificates: RunCertificates?

    /// A builder for one run.
    public init(
        containersDirectory: String, buildCacheDirectory: String, remoteRecipeFolders: [String: [String: String]] = [:],
        certificates: RunCertificates? = nil
    ) {
        self.certificates = certificates
        self.containersDirectory = containersDirectory
        self.buildCacheDirectory = buildCacheDirectory
        self.remoteRecipeFolders = remoteRecipeFolders
    }

    // MARK: - Deadlines

    /// The cell's deadlines and mode: the workload's warmup and window (a search's trial
    /// length), and a server deadline long enough for a recipe's first build on any replica's
    /// host. `unbuilt` is true when some replica host has not built the system's recipe yet.
    public func schedule(for cell: CellPlan, unbuilt: Bool) -> (timeouts: CellTimeouts, mode: CellMode) {
        var timeouts = CellTimeouts(
            warmupMs: UInt64(cell.workload.warmupMilliseconds),
            measureMs: UInt64(cell.workload.durationMilliseconds),
            serverReadyMs: unbuilt && !cell.system.isBuiltin ? Self.serverReadyWithBuildMs : Self.serverReadyMs)
        guard case .search(let settings) = cell.rate else { return (timeouts, .single) }
        timeouts.measureMs = UInt64(settings.trialMilliseconds)
        return (timeouts, .trials(settleMs: UInt64(SearchSettings.trialSettleMilliseconds)))
    }

    // MARK: - Servers

    /// The setup of one server replica. `hostCores` is the CPUs online on its host as its
    /// worker said in `hello`; `runBuild` whether its host still has to build the recipe.
    public func serverSetup(_ server: ServerProcess, cell: CellPlan, hostCores: Int, runBuild: Bool) -> ServerSetup {
        let name = cell.system.container
        var container = cell.system.isBuiltin ? "builtin" : "\(containersDirectory)/\(name)"
        var buildDirectory = "\(buildCacheDirectory)/\(name)"
        if let folders = remoteRecipeFolders[server.host.name] {
            // Relative to the remote worker's working directory, its home.
            if let folder = folders[name] { container = folder }
            buildDirectory = ".cache/barrage/build/\(name)"
        }
        let allowance = CPUAllowance(hostCores: hostCores, cpus: cell.limits?.cpus, cpusetSize: cell.limits?.cpusetSize)
        return ServerSetup(
            node: server.name, host: server.host.name, system: cell.system.name, container: container,
            protocolKind: cell.workload.protocolKind, bindHost: Self.bindHost(server.host), port: server.port,
            environment: cell.system.env.map { EnvironmentPair(name: $0.name, value: $0.value) },
            buildDirectory: buildDirectory, runBuild: runBuild, readyTimeoutMs: Self.systemReadyTimeoutMs,
            sampleIntervalMs: Self.sampleIntervalMs, cellID: cell.id, limits: cell.limits, threads: allowance.threads,
            tls: cell.tls ? certificates?.servers[server.host.name] : nil)
    }

    /// The names a server certificate for `host` carries: the address clients reach it at
    /// (what they verify, as `targets` gives it), and for loopback also `localhost`.
    public static func certificateNames(of host: Host) -> [String] {
        let address = address(of: host)
        return address == "127.0.0.1" || address == "::1" ? [address, "localhost"] : [address]
    }

    /// The server hosts of the cells that speak TLS, each once, in plan order: who needs a certificate.
    public static func tlsServerHosts(of cells: [CellPlan]) -> [Host] {
        var seen: Set<String> = []
        // An external target serves its own certificate: none is issued for its cells.
        return cells.filter { $0.tls && $0.target == nil }.flatMap(\.servers).map(\.host).filter {
            seen.insert($0.name).inserted
        }
    }

    /// Where the server on `host` listens: the one address clients reach it at (the host's
    /// `address`, else its ssh host, else loopback), never every interface: an echo server
    /// with 16 MiB windows and no authentication must not be reachable from outside the
    /// test network.
    public static func bindHost(_ host: Host) -> String {
        address(of: host)
    }

    /// Where clients reach a server on `host`.
    public static func address(of host: Host) -> String {
        if let address = host.address { return address }
        return host.ssh?.host ?? "127.0.0.1"
    }

    /// Every replica's endpoint, in replica order: its host's address and the port its
    /// worker reported ready on (the planned port when it has not said).
    /// An external system's one endpoint is its `target`.
    public static func targets(of cell: CellPlan, readyPorts: [String: Int]) -> [ServerEndpoint] {
        if let target = cell.target { return [target] }
        return cell.servers.map { ServerEndpoint(host: address(of: $0.host), port: readyPorts[$0.name] ?? $0.port) }
    }

    // MARK: - Clients

    /// Every client worker's setup, in the cell's client order. Each gets its share of the
    /// open-loop rate (`ratePerSecond`, nil for closed loop) in proportion to its connections,
    /// and the targets rotated so that the cell's connections, numbered over all workers,
    /// take the replicas in turn: each replica gets an equal share, ±1.
    public func clientSetups(for cell: CellPlan, targets: [ServerEndpoint], ratePerSecond: Double?) -> [ClientSetup] {
        let parts = ConnectionSplit.parts(
            connections: cell.clients.map(\.connections), ratePerSecond: ratePerSecond, targets: targets)
        return zip(cell.clients, parts).map { client, part in
            let workload = cell.workload
            return ClientSetup(
                node: client.name, host: client.host.name, targets: part.targets,
                protocolKind: workload.protocolKind, call: workload.call, payloadBytes: workload.payloadBytes,
                connections: client.connections, concurrency: workload.concurrency, threads: client.threads,
                ratePerSecond: part.ratePerSecond, requestTimeoutMs: Self.requestTimeoutMs,
                connectTimeoutMs: Self.connectTimeoutMs, connectionLifetime: workload.connectionLifetime,
                pauseThresholdMs: UInt64(workload.pauseMilliseconds), metadata: workload.metadata,
                deadlineMs: workload.deadlineMilliseconds.map(UInt64.init), compression: workload.compression,
                tls: Self.clientTLS(for: cell), tlsPEM: clientTLSPEM(for: cell),
                service: workload.service?.call)
        }
    }

    /// A TLS cell's client settings: an external target is verified for the name its `tls`
    /// files give (nil: the target's host); a system Barrage starts, for its host's address.
    static func clientTLS(for cell: CellPlan) -> TLSClientSettings? {
        guard cell.tls else { return nil }
        guard cell.target != nil else { return TLSClientSettings() }
        return TLSClientSettings(serverName: cell.workload.tls.clientFiles?.serverName)
    }

    /// What a TLS cell's clients verify against: the user's `tls` files for an external target
    /// (none given: the system's trust store), the run's own CA for a system Barrage starts.
    func clientTLSPEM(for cell: CellPlan) -> TLSClientPEM? {
        guard cell.tls else { return nil }
        guard cell.target == nil else { return cell.workload.tlsFilesPEM }
        return certificates.map { TLSClientPEM(authorityPEM: $0.authorityPEM) }
    }
}
