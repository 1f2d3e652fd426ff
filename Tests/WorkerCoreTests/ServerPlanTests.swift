import Metrics
import Testing
import Topology
import Wire

@testable import WorkerCore

/// What a server worker decides from its setup, before any process runs.
@Suite struct ServerPlanTests {
    static func setup(
        container: String = "Containers/go-grpc", bindHost: String = "127.0.0.1", port: Int = 0, runBuild: Bool = true,
        limits: Limits? = nil
    ) -> ServerSetup {
        ServerSetup(
            node: "server", host: "h1", system: "go", container: container, protocolKind: .grpc, bindHost: bindHost,
            port: port,
            environment: [EnvironmentPair(name: "GOGC", value: "200"), EnvironmentPair(name: "PATH", value: "/opt/go")],
            buildDirectory: "cache/go", runBuild: runBuild, readyTimeoutMs: 20_000, sampleIntervalMs: 100, cellID: "c1",
            limits: limits, threads: 3)
    }

    static func plan(_ setup: ServerSetup) -> ServerPlan {
        ServerPlan(setup: setup, selfExecutable: "/bin/barrage", absolute: { $0.hasPrefix("/") ? $0 : "/home/w/" + $0 })
    }

    static let inherited = [("PATH", "/usr/bin"), ("HOME", "/home/w"), ("HTTPS_PROXY", "http://proxy"), ("GOMAXPROCS", "64")]

    @Test func relativeFoldersAreAnchoredAndTheBuiltinIsNot() {
        let recipe = Self.plan(Self.setup())
        #expect(recipe.setup.container == "/home/w/Containers/go-grpc")
        #expect(recipe.setup.buildDirectory == "/home/w/cache/go")
        #expect(Self.plan(Self.setup(container: "/abs/r")).setup.container == "/abs/r")
        let builtin = Self.plan(Self.setup(container: "builtin"))
        #expect(builtin.isBuiltin && builtin.setup.container == "builtin")
        #expect(builtin.containerName == "builtin" && recipe.containerName == "go-grpc")
    }

    @Test func aRecipeBuildsWithTheWholeEnvironmentAndRunsWithOnlyTheBase() throws {
        let plan = Self.plan(Self.setup(limits: Limits(cpus: 2)))
        let build = try #require(plan.build(inherited: Self.inherited))
        #expect(build.executable == "/home/w/Containers/go-grpc/build" && build.arguments.isEmpty)
        #expect(build.workingDirectory == "/home/w/Containers/go-grpc")
        #expect(build.environment["HTTPS_PROXY"] == "http://proxy", "a build inherits everything")
        #expect(build.environment["BARRAGE_TLS_CERT"] == nil)
        #expect(build.environment["BARRAGE_BUILD_DIR"] == "/home/w/cache/go")

        let tls = ServerTLSFiles(certificate: "/tmp/t/server.pem", key: "/tmp/t/server.key")
        let run = plan.system(port: 8443, tls: tls, inherited: Self.inherited)
        #expect(run.executable == "/home/w/Containers/go-grpc/run" && run.arguments.isEmpty)
        #expect(run.workingDirectory == "/home/w/Containers/go-grpc")
        #expect(
            run.environment == [
                "PATH": "/opt/go", "HOME": "/home/w", "GOGC": "200", "BARRAGE_HOST": "127.0.0.1", "BARRAGE_PORT": "8443",
                "BARRAGE_PROTOCOL": "grpc", "BARRAGE_BUILD_DIR": "/home/w/cache/go", "BARRAGE_CPUS": "2",
                "BARRAGE_TLS_CERT": "/tmp/t/server.pem", "BARRAGE_TLS_KEY": "/tmp/t/server.key"
            ], "the shell's GOMAXPROCS and proxy stay out; the topology's PATH wins")
        #expect(plan.build(inherited: []) != nil)
        #expect(Self.plan(Self.setup(runBuild: false)).build(inherited: []) == nil, "built once per run")
        #expect(Self.plan(Self.setup(container: "builtin")).build(inherited: []) == nil)
    }

    @Test func theBuiltinServerIsThisBinarysServe() {
        let plan = Self.plan(Self.setup(container: "builtin", bindHost: "::"))
        let system = plan.system(port: 9000, tls: nil, inherited: [])
        #expect(system.executable == "/bin/barrage")
        #expect(system.arguments == ["serve", "--protocol", "grpc", "--host", "::", "--port", "9000", "--threads", "3"])
        #expect(system.workingDirectory == nil)
        #expect(system.commandLine == "/bin/barrage serve --protocol grpc --host :: --port 9000 --threads 3")
        #expect(plan.versionsSource == .builtin && plan.program == "builtin")
    }

    @Test func aCgroupWrapsTheSystemInCgexec() {
        let plan = Self.plan(Self.setup(limits: Limits(memoryBytes: 1 << 30)))
        #expect(plan.cgroupLimits == Limits(memoryBytes: 1 << 30))
        #expect(Self.plan(Self.setup(limits: Limits())).cgroupLimits == nil, "empty limits make no cgroup")
        let system = plan.system(port: 1, tls: nil, inherited: [])
        let spawned = plan.spawned(system, cgroupDirectories: ["/sys/fs/cgroup/barrage/c1-7"])
        #expect(spawned.executable == "/bin/barrage")
        #expect(
            spawned.arguments == ["cgexec", "--cgroup", "/sys/fs/cgroup/barrage/c1-7", "--", "/home/w/Containers/go-grpc/run"])
        #expect(spawned.environment == system.environment && spawned.workingDirectory == system.workingDirectory)
        #expect(plan.spawned(system, cgroupDirectories: []) == system)
    }

    @Test func portProbeAndVersions() throws {
        #expect(Self.plan(Self.setup(port: 7000)).port { 1 } == 7000)
        #expect(Self.plan(Self.setup(port: 0)).port { 41_000 } == 41_000)
        #expect(Self.plan(Self.setup(bindHost: "0.0.0.0")).probeHost == "127.0.0.1")
        #expect(Self.plan(Self.setup(bindHost: "")).probeHost == "127.0.0.1")
        #expect(Self.plan(Self.setup(bindHost: "::")).probeHost == "::1")
        #expect(Self.plan(Self.setup(bindHost: "127.0.0.2")).probeHost == "127.0.0.2")
        #expect(Self.plan(Self.setup()).versionsSource == .file("/home/w/cache/go/versions.txt"))
    }

    @Test func theAllowanceIsThisHostsCoresUnderTheLimits() {
        #expect(Self.plan(Self.setup()).allowance(hostCores: 8).cores == 8)
        #expect(Self.plan(Self.setup(limits: Limits(cpus: 1.5))).allowance(hostCores: 8).cores == 1.5)
        #expect(Self.plan(Self.setup(limits: Limits(cpuset: "0-1"))).allowance(hostCores: 8).cores == 2)
    }

    @Test func anUnaskedExitIsOutOfMemoryOnlyWithOOMKillsUnderLimits() {
        let limited = Self.plan(Self.setup(limits: Limits(memoryBytes: 512 << 20)))
        #expect(
            limited.exitFailure(.signaled(9), oomKills: 1, lastLine: "x").description
                == "go ran out of memory (limit memory 512 MiB): the kernel killed it (was killed by signal 9 (SIGKILL))")
        #expect(
            limited.exitFailure(.signaled(9), oomKills: 0, lastLine: "panic: boom").description
                == "go (/home/w/Containers/go-grpc/run) was killed by signal 9 (SIGKILL); its last stderr line: panic: boom")
        #expect(
            Self.plan(Self.setup()).exitFailure(.exited(3), oomKills: nil, lastLine: nil).description
                == "go (/home/w/Containers/go-grpc/run) exited with status 3")
    }

    @Test func failuresSayWhatFailedWhere() {
        #expect(
            ServerFailure.buildFailed(container: "/r", status: .exited(2), lastLine: "error: x").description
                == "/r/build exited with status 2; its last stderr line: error: x (its output is in this node's log)")
        #expect(
            ServerFailure.notReady(system: "go", address: "::1", port: 9, timeoutMs: 20_500).description
                == "go did not accept TCP connections on ::1:9 within 20 s")
        #expect(
            ServerFailure.limits(Limits(cpus: 0.5, memoryBytes: 1000, cpuset: "0"), host: "h1", reason: "no cgroup v2")
                .description
                == "limits cpus 0.5, memory 1000 B, cpuset 0 cannot be enforced on h1: no cgroup v2")
    }
}
