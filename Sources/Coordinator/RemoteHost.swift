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

    /// Each deployed recipe's folder, relative to the remote home (the worker's working
    /// directory): container name → folder, what the setup builder tells a remote server.
    public var recipeFolders: [String: String] {
        Dictionary(uniqueKeysWithValues: recipes.map { ($0.key, Deployer.remoteRecipe(hash: $0.value, name: $0.key)) })
    }

    /// `ssh` arguments that run a worker there.
    public var workerArguments: [String] {
        ssh.arguments(remoteCommand: "exec \(Deployer.remoteBinary(hash: binaryHash)) worker")
    }
}
