import TLSSettings
import Topology
import Wire

/// How `barrage launch` runs a plan.
public struct RunOptions: Sendable {
    /// Results directory to create.
    public var resultsPath: String
    /// Absolute path of `Containers/`.
    public var containersDirectory: String
    /// Absolute path of this `barrage` binary (workers are the same binary).
    public var selfExecutable: String
    /// The topology file's text, stored as `topology.yaml`.
    public var topologyText: String
    /// Where recipes' `build` puts artifacts, one folder per container, kept across runs.
    public var buildCacheDirectory: String
    /// No progress output.
    public var quiet: Bool
    /// Hosts reached over ssh, by topology host name (deployed before the run).
    public var remoteHosts: [String: RemoteHost]
    /// The `ssh` client to run.
    public var sshExecutable: String
    /// `--metrics HOST:PORT`: where to serve the live figures (OpenMetrics); nil serves none.
    public var metricsAddress: ServerEndpoint?
    /// The run's CA and server certificates, when some cell speaks TLS (made before the run).
    public var certificates: RunCertificates?

    public init(
        resultsPath: String, containersDirectory: String, selfExecutable: String,
        topologyText: String, buildCacheDirectory: String, quiet: Bool,
        remoteHosts: [String: RemoteHost] = [:], sshExecutable: String = "ssh"
    ) {
        self.remoteHosts = remoteHosts
        self.sshExecutable = sshExecutable
        self.resultsPath = resultsPath
        self.containersDirectory = containersDirectory
        self.selfExecutable = selfExecutable
        self.topologyText = topologyText
        self.buildCacheDirectory = buildCacheDirectory
        self.quiet = quiet
    }
}
