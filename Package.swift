// swift-tools-version:6.0
import PackageDescription

// Barrage: one binary (`barrage`) built from small modules. Pure modules (Topology, Metrics,
// Wire, Report, CoordinatorCore: the cell's state machine, WorkerCore: the worker's) do no I/O; UV wraps libuv and is the only
// event loop; CUV/CNghttp2 expose the system C libraries.
//
// Release builds link libuv, libnghttp2 and OpenSSL statically (Debian's libuv_a.a, libnghttp2.a, libssl.a, libcrypto.a) and
// the Swift runtime too (`--static-swift-stdlib`, see the Makefile), so the one binary runs on
// any x86-64 Linux host it is copied to over ssh; debug builds link the shared libraries.
func cLibrary(_ name: String, archive: String) -> [LinkerSetting] {
    [
        .linkedLibrary(name, .when(configuration: .debug)),
        .unsafeFlags(["-Xlinker", "-l:\(archive)"], .when(configuration: .release))
    ]
}
// The load path's targets run every call through class properties on one loop thread, where
// Swift's dynamic exclusivity checks (swift_beginAccess: a thread-local access set per property
// access) cost ≈ 800 of the client's ≈ 18,000 instructions a call (callgrind, 100 × 10); the
// loop confinement they would police is the design (ARCHITECTURE.md), and debug builds keep them.
// Debug builds optimise these targets all the same: `make test`'s end-to-end tests drive servers
// with the debug binary and need a generator that outruns them (the client's HTTP/2 framing is
// Swift, ≈ 2x slower a call unoptimised than the nghttp2 C it replaced).
let hotPath: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    .unsafeFlags(["-O"], .when(configuration: .debug))
]
let package = Package(
    name: "barrage",
    products: [
        .executable(name: "barrage", targets: ["barrage"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0")
        // Not swift-protobuf: depending on it makes every test build compile its bundled C++
        // protoc; ProtoSchema reads the ~25 descriptor fields it needs itself (DescriptorSet).
    ],
    targets: [
        // Headers come from /usr/include (libuv1-dev, libnghttp2-dev, installed by the Makefile); no
        // pkgConfig, whose `-luv`/`-lnghttp2` would defeat the static release link below.
        .systemLibrary(name: "CUV"),
        .systemLibrary(name: "CNghttp2"),
        // libyaml (libyaml-dev), whose event API Topology drives itself (see YAMLComposer).
        .systemLibrary(name: "CYAML"),
        // zlib (zlib1g-dev): gzip request messages, compressed once before a run.
        .systemLibrary(name: "CZlib"),
        // OpenSSL (libssl-dev), as h2load uses it: TLS for the load client and the builtin server.
        .systemLibrary(name: "COpenSSL"),
        .target(name: "UV", dependencies: ["CUV"], linkerSettings: cLibrary("uv", archive: "libuv_a.a")),
        // What TLS is told, as plain values (client settings, issued certificates): shared by the
        // topology, the control protocol and the TLS target without tying them to OpenSSL.
        .target(name: "TLSSettings"),
        .target(
            name: "Topology", dependencies: ["CYAML", "ProtoSchema", "TLSSettings"],
            linkerSettings: cLibrary("yaml", archive: "libyaml.a")),
        .target(name: "Metrics", dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")]),
        .target(name: "Wire", dependencies: ["Metrics", "Topology", "TLSSettings"]),
        .target(name: "Report", dependencies: ["Metrics", "Topology"]),
        // Small blocking POSIX helpers for code outside any loop: the working directory, and a
        // child run to its end with posix_spawn + waitpid (`git rev-parse`, `protoc`).
        .target(name: "Posix"),
        // A user's service from its compiled `.proto`: methods, and JSON requests encoded with
        // protobuf's JSON mapping into the binary form the load client sends.
        .target(name: "ProtoSchema"),
        // Runs protoc (Debian's protobuf-compiler) on a user's `.proto`: the executor beside the
        // pure ProtoSchema, its own target so it is tested alone and linked only where needed.
        .target(name: "ProtoCompile", dependencies: ["Posix"]),
        // The one HTTP/2 + gRPC-framing core the load client and the builtin server share.
        .target(
            name: "HTTP2", dependencies: ["CNghttp2", "UV"], swiftSettings: hotPath,
            linkerSettings: cLibrary("nghttp2", archive: "libnghttp2.a")),
        // TLS between a socket and a protocol: OpenSSL driven through memory, one context per loop.
        .target(
            name: "TLS", dependencies: ["COpenSSL", "HTTP2", "TLSSettings"],
            linkerSettings: cLibrary("ssl", archive: "libssl.a") + cLibrary("crypto", archive: "libcrypto.a")),
        .target(
            name: "Load", dependencies: ["UV", "HTTP2", "CNghttp2", "CZlib", "Metrics", "TLS", "TLSSettings"],
            swiftSettings: hotPath,
            linkerSettings: cLibrary("z", archive: "libz.a")),
        // The builtin server under test (`barrage serve`): gRPC over nghttp2 and TCP echo on UV loop threads.
        .target(name: "BuiltinServer", dependencies: ["UV", "HTTP2", "CNghttp2", "TLS"]),
        // Cell cgroups (v1 and v2): planning limits, creating, joining (`barrage cgexec`), removing.
        .target(name: "Cgroups", dependencies: ["Topology"]),
        // Resources of a process tree read from /proc.
        .target(name: "ProcessSampler", dependencies: ["Metrics"]),
        // The worker side's decisions: the agent's state machine (which message is answered in
        // which state, the open-files budget, when to end), the client's per-thread plan and the
        // gathering of its threads' answers, the server worker's plan (what to build and start with
        // which arguments and environment, the cgroup, the probe address, the versions' source).
        // Pure, like CoordinatorCore, and PackageGraphTests keeps it so.
        .target(name: "WorkerCore", dependencies: ["Topology", "Wire", "Metrics", "TLSSettings", "ProtoSchema"]),
        // The server worker's executor: carries out WorkerCore's ServerPlan (builds, starts, probes,
        // samples and stops a system) through a process layer that tests replace.
        // CUV and CNghttp2 only for the builtin server's version strings.
        .target(
            name: "Serve",
            dependencies: [
                "UV", "CUV", "CNghttp2", "Metrics", "Wire", "Topology", "Cgroups", "ProcessSampler", "TLSSettings", "WorkerCore",
                "Posix"
            ],
            linkerSettings: cLibrary("nghttp2", archive: "libnghttp2.a")),
        // Framed, typed control messages over a UV stream: both sides of a worker's channel; the
        // worker links it without Launch's ssh and deploy code.
        .target(name: "Control", dependencies: ["UV", "Wire"]),
        // Optimized in debug builds too: deploying hashes the whole `barrage` binary (SHA256.swift)
        // on every run, and unoptimized that took 16 s for the 18 MB debug binary, longer than
        // a user waits for ssh to start (and than the end-to-end tests allow).
        .target(name: "Digest", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "Launch", dependencies: ["UV", "Topology", "Wire", "Control", "Digest", "Posix"]),
        // A run's results folder, written by the coordinator and read by `report` and `compare`,
        // which so do not link the control plane.
        .target(name: "Results", dependencies: ["Digest", "Metrics", "Report", "Wire"]),
        // The coordinator's decisions: the cell's state machine, the capacity search, the setup
        // builder. Pure: it cannot reach UV, Launch, Control or any other I/O target, and
        // PackageGraphTests keeps it so.
        .target(name: "CoordinatorCore", dependencies: ["Topology", "Wire", "Metrics", "Report", "TLSSettings"]),
        // The coordinator's executor: RunDriver carries CoordinatorCore's actions out on a libuv loop.
        .target(
            name: "Coordinator",
            dependencies: [
                "CoordinatorCore", "Topology", "Wire", "Metrics", "Report", "Results", "Launch", "Control", "Digest", "UV",
                "TLSSettings", "Posix"
            ]),
        // The worker's executors: WorkerAgent and ClientRunner carry WorkerCore's decisions out.
        .target(
            name: "Agent",
            dependencies: [
                "WorkerCore", "Wire", "Load", "Serve", "Control", "UV", "Metrics", "Topology", "TLSSettings", "ProtoSchema"
            ]),
        .executableTarget(
            name: "barrage",
            dependencies: [
                "Topology", "Coordinator", "CoordinatorCore", "Agent", "Report", "Results", "Digest", "Serve", "BuiltinServer",
                "Cgroups",
                "Launch",
                "Metrics", "Wire", "UV", "ProtoSchema", "ProtoCompile", "TLS", "TLSSettings", "Posix",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),
        .testTarget(name: "TopologyTests", dependencies: ["Topology", "ProtoSchema", "TLSSettings", "SeededRandom"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "SeededRandom"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "Metrics", "Topology"]),
        .testTarget(name: "DigestTests", dependencies: ["Digest"]),
        .testTarget(name: "ControlTests", dependencies: ["Control", "Wire", "Metrics", "UV", "UVTestSupport"]),
        .testTarget(name: "ResultsTests", dependencies: ["Results", "Report", "Metrics"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Metrics", "Topology", "SeededRandom"]),
        // Its expected bytes come from protoc and python3-protobuf, run by the tests.
        .testTarget(
            name: "ProtoSchemaTests",
            dependencies: ["ProtoSchema", "SeededRandom"],
            exclude: ["protos", "oracle"]),
        .testTarget(name: "ProtoCompileTests", dependencies: ["ProtoCompile", "ProtoSchema"]),
        // Helpers for tests that drive a libuv loop (a watchdog-bounded run), shared by their targets.
        .target(name: "UVTestSupport", dependencies: ["UV"], path: "Tests/UVTestSupport"),
        // One seeded generator for the property tests, so each run tries the same values.
        .target(name: "SeededRandom", dependencies: [], path: "Tests/SeededRandom"),
        // One virtual clock for the worker side's executors under test (agent, server runner).
        .target(name: "VirtualTimeSupport", dependencies: [], path: "Tests/VirtualTimeSupport"),
        .testTarget(name: "UVTests", dependencies: ["UV", "CUV", "UVTestSupport"]),
        .testTarget(name: "HTTP2Tests", dependencies: ["HTTP2", "CNghttp2"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "HTTP2", "TLSSettings"]),
        .testTarget(name: "LoadTests", dependencies: ["Load", "HTTP2", "CNghttp2", "UV", "UVTestSupport", "SeededRandom"]),
        .testTarget(name: "BuiltinServerTests", dependencies: ["BuiltinServer", "HTTP2", "CNghttp2", "UV", "UVTestSupport"]),
        .testTarget(name: "CgroupsTests", dependencies: ["Cgroups", "Topology"]),
        // Real cgroups: needs root and a writable /sys/fs/cgroup, so `make unit` skips it.
        .testTarget(name: "CgroupsRootTests", dependencies: ["Cgroups", "ProcessSampler", "Topology"]),
        .testTarget(name: "ProcessSamplerTests", dependencies: ["ProcessSampler"]),
        .testTarget(
            name: "ServeTests",
            dependencies: ["Serve", "UV", "Wire", "Topology", "Metrics", "UVTestSupport", "WorkerCore", "VirtualTimeSupport"]),
        .testTarget(name: "LaunchTests", dependencies: ["Launch", "Digest", "Topology", "UV"]),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "WorkerCore", "Load", "Metrics", "Topology", "Wire", "UV", "UVTestSupport", "VirtualTimeSupport"
            ]),
        .testTarget(name: "WorkerCoreTests", dependencies: ["WorkerCore", "Topology", "Wire", "Metrics", "TLSSettings"]),
        .testTarget(
            name: "CoordinatorCoreTests",
            dependencies: ["CoordinatorCore", "Topology", "Wire", "Metrics", "Report", "TLSSettings"]),
        .testTarget(
            name: "CoordinatorTests",
            dependencies: [
                "Coordinator", "CoordinatorCore", "Topology", "Wire", "Metrics", "Report", "Launch", "UV", "SeededRandom"
            ]),
        // Reads `swift package dump-package` and Sources/: pure targets reach no I/O target, and
        // no type name is defined in two targets.
        .testTarget(name: "PackageGraphTests", dependencies: []),
        .testTarget(name: "EndToEndTests", dependencies: [])
    ]
)
