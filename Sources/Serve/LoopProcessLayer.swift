import Cgroups
import Glibc
import Metrics
import ProcessSampler
import TLSSettings
import Topology
import UV
import Wire
import WorkerCore

/// The real `ProcessLayer`: processes, timers and probes on a libuv loop, samples from /proc,
/// the cell's cgroup through `CgroupLimiter`, files under `$TMPDIR`.
final class LoopProcessLayer: ProcessLayer {
    private let loop: Loop
    private let clock: () -> UInt64

    /// The layer on `loop`; `clock` gives sample times.
    init(loop: Loop, clock: @escaping () -> UInt64) {
        self.loop = loop
        self.clock = clock
    }

    var nowMs: UInt64 { loop.now }

    func sampleClockMs() -> UInt64 { clock() }

    func makeTimer() throws -> any LayerTimer { try Timer(loop: loop) }

    var hostCores: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    func inheritedEnvironment() -> [(String, String)] { ProcessEnvironment.current() }

    func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    func spawn(_ command: ServerCommand, onExit: @escaping (ExitStatus) -> Void) throws -> any LayerChild {
        try LoopChild(loop: loop, command: command, onExit: onExit)
    }

    func signalGroup(_ group: Int32, _ signal: Int32) {
        ProcessGroup.signal(group, signal)
    }

    func probe(host: String, port: Int, done: @escaping (Bool) -> Void) throws -> any LayerProbe {
        let tcp = try TCP(loop: loop)
        do {
            try tcp.connect(host: host, port: port) { error in done(error == nil) }
        } catch {
            tcp.close()
            throw error
        }
        return tcp
    }

    func freePort(host: String) throws -> Int {
        let tcp = try TCP(loop: loop)
        defer { tcp.close() }
        try tcp.bind(host: host, port: 0)
        guard let port = tcp.localPort else { throw UVError(code: -99, operation: "uv_tcp_getsockname") }
        return port
    }

    func sample(root: Int32, timeMs: UInt64) -> ResourceSample? {
        ProcessTreeSampler(root: root).sample(timeMs: timeMs)
    }

    func makeCgroup(cellID: String, limits: Limits) throws(ServerLayerError) -> any LayerCgroup {
        CgroupLimiter.sweepStale()
        do {
            return LimiterCgroup(limiter: try CgroupLimiter(cellID: cellID, limits: limits))
        } catch {
            throw ServerLayerError(description: error.message)
        }
    }

    func versions(from source: VersionsSource) -> [String: String] {
        SystemVersionsReader.read(source)
    }

    func writeTLSFiles(_ certificate: IssuedCertificate) throws -> (files: ServerTLSFiles, remove: () -> Void) {
        let folder = try PrivateFolder(purpose: "tls")
        let files = ServerTLSFiles(
            certificate: try folder.write("server.pem", certificate.certificatePEM),
            key: try folder.write("server.key", certificate.privateKeyPEM))
        return (files, { folder.remove() })
    }

    func log(_ line: String) {
        StandardError.write(line)
    }
}

extension Timer: LayerTimer {}

extension TCP: LayerProbe {}
