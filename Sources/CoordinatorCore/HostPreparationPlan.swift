import Topology

/// What preparation does on each ssh host a plan uses, decided before any ssh starts: which
/// hosts are reached at all, which get the recipes, and where `server.limits` is checked.
///
/// The executor (`RemotePreparation`) only carries it out: it connects to each host in this
/// order, deploys the binary, then runs the limits check and ships the recipes where told.
public struct HostPreparationPlan: Equatable, Sendable {
    /// One ssh host's work.
    public struct HostWork: Equatable, Sendable {
        /// The host, as the topology declares it.
        public var host: Host
        /// Some cell's server replica runs here: it gets the recipes (and the limits check).
        public var servesReplicas: Bool
        /// `server.limits` to check on this host before the run (a server host, limits set).
        public var limitsToCheck: Limits?
    }

    /// Every ssh host some cell uses, in the topology's order; empty when the run is local.
    public var hosts: [HostWork]
    /// The recipes (`Containers/<name>`) to pack, by name, sorted: those of the systems Barrage
    /// builds, and only when some ssh host serves replicas.
    public var recipes: [String]

    /// The work `plan` needs. Local hosts are never prepared; an ssh host no cell uses is not
    /// reached either.
    public init(plan: Plan) {
        let used = Set(plan.cells.flatMap { $0.servers.map(\.host.name) + $0.clients.map(\.host.name) })
        let serverHosts = Set(plan.cells.flatMap { $0.servers.map(\.host.name) })
        let limits = plan.topology.server?.limits.flatMap { $0.isEmpty ? nil : $0 }
        hosts = plan.topology.hosts.filter { !$0.isLocal && used.contains($0.name) }.map { host in
            let serves = serverHosts.contains(host.name)
            return HostWork(host: host, servesReplicas: serves, limitsToCheck: serves ? limits : nil)
        }
        let containers = Set(plan.topology.systems.filter { !$0.isBuiltin && !$0.isExternal }.map(\.container))
        recipes = hosts.contains(where: \.servesReplicas) ? containers.sorted() : []
    }
}
