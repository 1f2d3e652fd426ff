import ArgumentParser
import Cgroups
import Coordinator
import CoordinatorCore
import Foundation
import Launch
import Posix
import Report
import Results
import TLS
import TLSSettings
import Topology
import Wire

/// `barrage launch TOPOLOGY`: runs every cell and prints the comparison.
struct LaunchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Run every cell of a topology, print the comparison, and write the results directory.")

    @Argument(help: "The topology file (YAML).")
    var topology: String

    @Option(help: "Results directory (default: results/<name>-<YYYYmmdd-HHMMSS>).")
    var out: String?

    @Option(help: "Comparison format on stdout: table, markdown, json, csv or html.")
    var format: OutputFormat = .table

    @Flag(help: "No progress output on stderr.")
    var quiet = false

    @Option(help: "The Containers/ folder (default: found beside or above the topology file).")
    var containers: String?

    @Option(
        name: .customLong("metrics"),
        help: "Serve the live figures in the OpenMetrics text format at http://HOST:PORT/metrics while the run goes on.")
    var metrics: String?

    func run() throws {
        let metricsAddress = try metrics.map(Self.metricsAddress)
        guard let loaded = TopologyLoader.load(path: topology, containers: containers) else { throw ExitCode(2) }
        let plan = Planner.plan(loaded.topology)
        if let limits = loaded.topology.server?.limits, !limits.isEmpty,
            (loaded.topology.server?.hosts ?? []).contains(where: { loaded.topology.host(named: $0)?.isLocal ?? true }),
            case .failure(let error) = CgroupLimiter.preflight(limits)
        {
            printError("\(topology): error: server.limits cannot be enforced on this machine: \(error.message)")
            throw ExitCode(2)
        }
        let certificates: RunCertificates?
        do {
            certificates = try Self.issueCertificates(for: plan)
        } catch {
            printError("barrage: \(error)")
            throw ExitCode(1)
        }
        let resultsPath: String
        if let out {
            resultsPath = WorkingDirectory.absolute(out)
            if let problem = ResultsDirectory.problem(with: resultsPath) {
                printError("barrage: error: cannot write results there: \(problem)")
                throw ExitCode(2)
            }
        } else {
            resultsPath = ResultsDirectory.unusedPath(
                WorkingDirectory.absolute("results/\(loaded.topology.name)-\(Self.stamp())"))
        }
        guard let executable = SelfExecutable.path() else {
            printError("barrage: cannot find its own executable (/proc/self/exe)")
            throw ExitCode(1)
        }
        let remoteHosts: [String: RemoteHost]
        // The one owner of stopping, from here to the end: until the run loop watches SIGINT
        // and SIGTERM, they stop preparation cleanly; at the end it closes the ssh masters.
        let shutdown = RunShutdown()
        shutdown.catchSignalsWhilePreparing()
        do {
            remoteHosts = try RemotePreparation.prepare(
                HostPreparationPlan(plan: plan), selfExecutable: executable,
                containersDirectory: loaded.containersDirectory, shutdown: shutdown,
                say: { if !quiet { printError($0) } })
        } catch {
            if let unenforceable = error as? RemotePreparation.LimitsUnenforceable {
                printError(
                    "\(topology): error: server.limits cannot be enforced on \(unenforceable.host): \(unenforceable.reason)")
                throw ExitCode(2)
            }
            if error is Deployer.Stopped {
                printError(
                    "barrage: interrupted by \(shutdown.preparationSignal ?? "a signal") while preparing hosts; no cell ran, no ssh connection is left open"
                )
            } else {
                printError("barrage: \(error)")
            }
            throw ExitCode(1)
        }
        defer { shutdown.finish() }
        let options = RunOptions(
            resultsPath: resultsPath, containersDirectory: loaded.containersDirectory, selfExecutable: executable,
            topologyText: loaded.text, buildCacheDirectory: Self.buildCache(), quiet: quiet, remoteHosts: remoteHosts)
        var runOptions = options
        runOptions.metricsAddress = metricsAddress
        runOptions.certificates = certificates
        let driver: RunDriver
        do {
            driver = try RunDriver(plan: plan, options: runOptions, shutdown: shutdown)
        } catch let failure as RunDriver.MetricsListenFailure {
            printError("barrage: \(failure)")
            throw ExitCode(2)
        } catch {
            printError("barrage: cannot create results directory \(resultsPath): \(error)")
            throw ExitCode(1)
        }
        if !quiet { printError("barrage: \(plan.cells.count) cells; results in \(resultsPath)") }
        let summary = driver.run()
        let histograms = format == .html ? ResultsReader.histograms(directory: resultsPath) : [:]
        print(ReportRenderer.render(summary, format: format.reportFormat, histograms: histograms), terminator: "")
        if !quiet { printError("barrage: results in \(resultsPath)") }
        if summary.status != .ok { throw ExitCode(1) }
        // Every cell ran: an SLO that a gated cell missed is the run's verdict (after the table, which names them).
        if !summary.sloGateMisses.isEmpty { throw ExitCode(3) }
    }

    /// With `tls`, this run's own CA and a certificate for each server host of a TLS cell, made
    /// in memory before anything starts; nil when no cell speaks TLS.
    static func issueCertificates(for plan: Plan) throws -> RunCertificates? {
        let hosts = SetupBuilder.tlsServerHosts(of: plan.cells)
        guard !hosts.isEmpty else { return nil }
        let authority = try CertificateAuthority()
        var servers: [String: IssuedCertificate] = [:]
        for host in hosts {
            servers[host.name] = try authority.issueServer(names: SetupBuilder.certificateNames(of: host))
        }
        return RunCertificates(authorityPEM: authority.certificatePEM, servers: servers)
    }

    /// `HOST:PORT` (`[::1]:PORT` for IPv6; port 0: the kernel picks) of `--metrics`; a clear
    /// message and exit 2 otherwise.
    static func metricsAddress(_ text: String) throws -> ServerEndpoint {
        switch ServerEndpoint.parse(text, ports: 0...65_535) {
        case .success(let endpoint): return endpoint
        case .failure(let problem):
            printError("barrage: --metrics \(problem.words), found \"\(text)\"")
            throw ExitCode(2)
        }
    }

    static func stamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date())
    }

    /// `$XDG_CACHE_HOME/barrage/build` or `~/.cache/barrage/build`.
    static func buildCache() -> String {
        let environment = ProcessInfo.processInfo.environment
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? "/tmp") + "/.cache"
        return base + "/barrage/build"
    }
}

/// `--format` values.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, markdown, json, csv, html

    var reportFormat: ReportFormat {
        switch self {
        case .table: return .table
        case .markdown: return .markdown
        case .json: return .json
        case .csv: return .csv
        case .html: return .html
        }
    }
}
