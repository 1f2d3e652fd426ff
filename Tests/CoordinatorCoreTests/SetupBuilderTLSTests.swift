import TLSSettings
import Testing
import Topology
import Wire

@testable import CoordinatorCore

/// What a TLS cell's workers are told: each server its host's certificate, each client the
/// run's CA to verify against (as text, for whatever host it runs on); a plain cell neither.
@Suite struct SetupBuilderTLSTests {
    let certificates = RunCertificates(
        authorityPEM: "CA PEM",
        servers: [
            "local": IssuedCertificate(certificatePEM: "local cert", privateKeyPEM: "local key"),
            "far": IssuedCertificate(certificatePEM: "far cert", privateKeyPEM: "far key")
        ])

    func cell(tls: Bool, servers: [ServerProcess]) -> CellPlan {
        var workload = Workload(protocolKind: .grpc, payloadBytes: 64, connections: [4])
        workload.tls = tls ? .sweep([false, true]) : .plain
        return CellPlan(
            id: "c", index: 0, system: System(name: "builtin", container: "builtin"), connections: 4, repeatIndex: 1,
            servers: servers,
            clients: [ClientProcess(name: "client-1", host: Host(name: "local"), connections: 4, threads: 1)],
            workload: workload, tls: tls)
    }

    @Test func aTLSCellsServersServeTheirHostsCertificateAndClientsTrustTheRunsCA() {
        let builder = SetupBuilder(containersDirectory: "/c", buildCacheDirectory: "/b", certificates: certificates)
        let servers = [
            ServerProcess(name: "server-1", host: Host(name: "local"), port: 0),
            ServerProcess(name: "server-2", host: Host(name: "far", address: "10.0.0.7"), port: 0)
        ]
        let tlsCell = cell(tls: true, servers: servers)
        #expect(
            builder.serverSetup(servers[0], cell: tlsCell, hostCores: 2, runBuild: false).tls == certificates.servers["local"])
        #expect(builder.serverSetup(servers[1], cell: tlsCell, hostCores: 2, runBuild: false).tls == certificates.servers["far"])
        let clients = builder.clientSetups(
            for: tlsCell, targets: SetupBuilder.targets(of: tlsCell, readyPorts: [:]), ratePerSecond: nil)
        // No server name: each connection verifies the address it dials, which the certificate names.
        #expect(clients.map(\.tls) == [TLSClientSettings()])
        #expect(clients.map(\.tlsPEM) == [TLSClientPEM(authorityPEM: "CA PEM")])

        let plainCell = cell(tls: false, servers: servers)
        #expect(builder.serverSetup(servers[0], cell: plainCell, hostCores: 2, runBuild: false).tls == nil)
        let plainClients = builder.clientSetups(for: plainCell, targets: [], ratePerSecond: nil)
        #expect(plainClients.allSatisfy { $0.tls == nil && $0.tlsPEM == nil })
    }

    @Test func anExternalTargetIsVerifiedAgainstTheUsersFilesNotTheRunsCA() {
        let builder = SetupBuilder(containersDirectory: "/c", buildCacheDirectory: "/b", certificates: certificates)
        var workload = Workload(protocolKind: .grpc, payloadBytes: 64, connections: [4])
        workload.tls = .files(TLSClientSettings(caFile: "ca.pem", serverName: "ledger.test"), locations: [:])
        let user = TLSClientPEM(
            authorityPEM: "user CA", certificate: IssuedCertificate(certificatePEM: "c", privateKeyPEM: "k"))
        workload.tlsFilesPEM = user
        let staging = CellPlan(
            id: "s", index: 0, system: System(name: "staging", target: ServerEndpoint(host: "127.0.0.1", port: 8443)),
            connections: 4, repeatIndex: 1, servers: [ServerProcess(name: "server", host: Host(name: "local"), port: 0)],
            clients: [ClientProcess(name: "client-1", host: Host(name: "local"), connections: 4, threads: 1)],
            workload: workload, tls: true)
        let clients = builder.clientSetups(
            for: staging, targets: SetupBuilder.targets(of: staging, readyPorts: [:]), ratePerSecond: nil)
        #expect(clients.map(\.tls) == [TLSClientSettings(serverName: "ledger.test")])
        #expect(clients.map(\.tlsPEM) == [user])
        // No files: the system's trust store, never the run's own CA.
        var bare = staging
        bare.workload.tls = .issued
        bare.workload.tlsFilesPEM = nil
        let bareClients = builder.clientSetups(for: bare, targets: [], ratePerSecond: nil)
        #expect(bareClients.map(\.tls) == [TLSClientSettings()])
        #expect(bareClients.map(\.tlsPEM) == [nil])
        // It serves its own certificate: none is issued for it.
        #expect(SetupBuilder.tlsServerHosts(of: [staging, bare]).isEmpty)
    }

    @Test func certificatesNameTheAddressClientsDial() {
        #expect(SetupBuilder.certificateNames(of: Host(name: "local")) == ["127.0.0.1", "localhost"])
        #expect(SetupBuilder.certificateNames(of: Host(name: "far", address: "10.0.0.7")) == ["10.0.0.7"])
        let servers = [ServerProcess(name: "server", host: Host(name: "far", address: "10.0.0.7"), port: 9)]
        let endpoints = SetupBuilder.targets(of: cell(tls: true, servers: servers), readyPorts: [:])
        #expect(endpoints.map(\.host) == SetupBuilder.certificateNames(of: servers[0].host))
    }

    @Test func onlyTheServerHostsOfTLSCellsNeedCertificates() {
        let local = ServerProcess(name: "server", host: Host(name: "local"), port: 0)
        let far = ServerProcess(name: "server", host: Host(name: "far", address: "10.0.0.7"), port: 0)
        let other = ServerProcess(name: "server", host: Host(name: "other", address: "10.0.0.8"), port: 0)
        let cells = [cell(tls: false, servers: [other]), cell(tls: true, servers: [far]), cell(tls: true, servers: [local, far])]
        #expect(SetupBuilder.tlsServerHosts(of: cells).map(\.name) == ["far", "local"])
        #expect(SetupBuilder.tlsServerHosts(of: [cells[0]]).isEmpty)
    }
}
