// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Trident",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "trident", targets: ["trident"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.70.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        // SigV4's SHA-256 and HMAC (--auth sigv4): audited primitives rather than hand-written ones.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        // Optional TLS (--tls-cert/--tls-key) for SDK set-ups that insist on an https endpoint.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        // GET /metrics in Prometheus's text format.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        // gzip for DynamoDB's export files (import, export, seed).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // CRC-32 by carry-less multiplication (an instruction Swift cannot name).
        .target(name: "CCRC32"),
        .target(name: "DynamoModel"),
        .target(name: "DynamoExpressions", dependencies: ["DynamoModel"]),
        .target(
            name: "TridentStorage",
            dependencies: ["LMDB", "DynamoModel"]
        ),
        .target(
            name: "TridentReplication",
            dependencies: ["TridentStorage", "DynamoModel", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "TridentEngine",
            dependencies: [
                "TridentReplication", "TridentStorage", "DynamoModel", "DynamoExpressions", "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "TridentServer",
            dependencies: [
                "TridentEngine", "DynamoModel", "CCRC32",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "trident",
            dependencies: [
                "TridentServer", "TridentEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `make fuzz` builds it with libFuzzer; otherwise it replays the saved inputs (`make test`).
        .executableTarget(
            name: "trident-fuzz",
            dependencies: [
                "TridentServer", "TridentEngine", "DynamoModel", "DynamoExpressions",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "trident-bench",
            dependencies: [
                "TridentEngine", "DynamoModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "DynamoModelTests", dependencies: ["DynamoModel"]),
        .testTarget(name: "DynamoExpressionsTests", dependencies: ["DynamoExpressions"]),
        .testTarget(name: "TridentStorageTests", dependencies: ["TridentStorage", "LMDB"]),
        .testTarget(name: "TridentReplicationTests", dependencies: ["TridentReplication", "TridentStorage"]),
        .testTarget(name: "TridentEngineTests", dependencies: ["TridentEngine"]),
        .testTarget(
            name: "TridentServerTests",
            dependencies: [
                "TridentServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Release builds skip the run-time exclusivity checks (about 1.5% of a GetItem's time); debug
// builds, which run the tests, keep them, so a violation is still caught.
for target in package.targets where target.type != .system && target.type != .test && !target.name.hasPrefix("C") {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}
