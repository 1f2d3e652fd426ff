import Launch

/// A host reached over ssh, ready for workers: the binary and recipes are in place.
public struct RemoteHost: Sendable {
    /// How to reach it.
    public var ssh: SSHCommand
    /// SHA-256 of the deployed `barrage`.
    public var binaryHash: String
    /// Deployed recipes: container name → content hash.
    public var recipes: [String: String]

    public init(ssh: SSHCommand, binaryHash: String, recipes: [String: String]) {
        self.ssh = ssh
        self.binaryHash = binaryHash
        self.recipes = recipes
    }

    /// `ssh` arguments that run a worker there.
    public var workerArguments: [String] {
        ssh.arguments(remoteCommand: "exec \(Deployer.remoteBinary(hash: binaryHash)) worker")
    }
}
