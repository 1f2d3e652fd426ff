// swift-tools-version:6.1
// The grpc-swift 2 Echo server for Barrage. `build` copies this package into
// $BARRAGE_BUILD_DIR and builds it there (release, `--scratch-path`), so the recipe folder
// stays as committed. Every dependency comes from the machine's offline package copies.
import PackageDescription

let package = Package(
    name: "grpc-swift-2-echo",
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        // For MultiThreadedEventLoopGroup and System.coreCount; the transport depends on it anyway.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.96.0"),
    ],
    targets: [
        .executableTarget(
            name: "grpc-swift-2-echo",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            // bench.pb.swift and bench.grpc.swift were generated once (README.md says how);
            // building protoc-gen-grpc-swift-2 here would cost ~10 minutes of every cold build.
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
