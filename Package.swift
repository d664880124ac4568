// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "clusterd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "clusterd", targets: ["clusterd"]),
        .executable(name: "clusterctl", targets: ["clusterctl"]),
        .library(name: "ClusterdRPC", targets: ["ClusterdRPC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // C bindings: generated protobuf-c code, and module maps for the system libraries.
        .target(
            name: "ClusterdWire",
            cSettings: [.unsafeFlags(["-Wno-unused-parameter"])],
            linkerSettings: [.linkedLibrary("protobuf-c")]
        ),
        .systemLibrary(name: "CMongoC", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Pure Swift, no C library: models, policies, concepts, reply types.
        .target(name: "ClusterdCore"),
        // The embedders: native all-MiniLM-L6-v2 (WordPiece, safetensors, kernels), the hashing fallback, and the dense
        // matrix product; the only target that links OpenBLAS.
        .target(name: "ClusterdEmbedding", dependencies: ["ClusterdCore", "COpenBLAS", "CMiniLMInt8"]),
        // The int8 matrix product of the native MiniLM (AVX-512 VNNI with a scalar fallback, chosen at run time);
        // optimised in debug builds too, so tests over the model stay quick.
        .target(name: "CMiniLMInt8", cSettings: [.unsafeFlags(["-O2"])]),
        // The k-means kernels too small for a BLAS call (k-means++ candidates, the nearest-centroid scan, row norms):
        // AVX2 + FMA with a portable fallback, chosen at run time; optimised in debug builds too.
        .target(name: "CClusterKernels", cSettings: [.unsafeFlags(["-O2"])]),
        // Clustering: k-means and the k rule, silhouette, Hungarian matching, stable ids, lineage, naming, the engine.
        .target(name: "ClusterdClustering", dependencies: ["ClusterdCore", "ClusterdEmbedding", "CClusterKernels"]),
        // The topic report: its model (built from a run, its clusters and the recent runs; map layout by classical MDS
        // aligned with orthogonal Procrustes) and the self-contained HTML page; pure Swift, shared by the server and
        // clusterctl.
        .target(name: "ClusterdReport", dependencies: ["ClusterdCore"]),
        // Log handlers: the seed's text lines, JSON lines, secret redaction, the background writer.
        .target(
            name: "ClusterdLogging",
            dependencies: ["ClusterdCore", .product(name: "Logging", package: "swift-log")]
        ),
        // MongoDB through libmongoc.
        .target(
            name: "ClusterdStore",
            dependencies: ["ClusterdCore", "CMongoC", .product(name: "Logging", package: "swift-log")]
        ),
        // Finds and reads the all-MiniLM-L6-v2 files (the I/O side of ClusterdCore's MiniLMEmbedder).
        .target(name: "ClusterdModel", dependencies: ["ClusterdCore", "ClusterdEmbedding"]),
        // HTTP APIs (Anthropic, embeddings) through libcurl.
        .target(name: "ClusterdLLM", dependencies: ["CCurl", "ClusterdCore"]),
        // The background service: queues, triggers, sweep, runs, status.
        .target(
            name: "ClusterdService",
            dependencies: [
                "ClusterdCore", "ClusterdClustering", "ClusterdStore", "ClusterdLLM", "ClusterdReport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // What the RPC server and the HTTP gateway share: one server lifecycle (a swift-service-lifecycle Service
        // that quiesces on graceful shutdown) and one connection admission (limit, count, the protocol's refusal).
        .target(
            name: "ClusterdNetworking",
            dependencies: [
                "ClusterdCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Frame codec, message mapping, NIO server and Swift client.
        .target(
            name: "ClusterdRPC",
            dependencies: [
                "ClusterdWire", "ClusterdCore", "ClusterdNetworking",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The optional HTTP/1.1 gateway: the seed's REST endpoints, probes, OpenAPI document and /metrics.
        .target(
            name: "ClusterdHTTP",
            dependencies: [
                "ClusterdService", "ClusterdCore", "ClusterdNetworking", "ClusterdReport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The metrics backend the executables bootstrap: Prometheus with HELP texts and buckets, /proc process metrics.
        .target(
            name: "ClusterdMetrics",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The server assembled: settings (one key table), the RPC adapter, the status reply cache, logging and
        // metrics bootstrap, the lifecycle of store, service, RPC and HTTP.
        .target(
            name: "ClusterdServer",
            dependencies: [
                "ClusterdService", "ClusterdRPC", "ClusterdHTTP", "ClusterdMetrics", "ClusterdStore", "ClusterdCore",
                "ClusterdLLM", "ClusterdModel", "ClusterdEmbedding", "ClusterdLogging", "ClusterdNetworking",
                "ClusterdReport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The server executable: only `@main`.
        .executableTarget(
            name: "clusterd",
            dependencies: [
                "ClusterdServer", "ClusterdCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What recording a metric costs per RPC call, in release (make bench-metrics).
        .executableTarget(
            name: "clusterd-metrics-bench",
            dependencies: [
                "ClusterdMetrics",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The RPC path against the transport's ceiling, from a release load client (`make bench-rpc`).
        .executableTarget(
            name: "clusterd-rpc-bench",
            dependencies: ["ClusterdRPC", "ClusterdStore", "ClusterdTestSupport"]
        ),
        // Ingest at volume through a release clusterd (`make bench-ingest`): messages/s by sweep and by trigger, CPU per
        // 1,000 messages of clusterd and the store, peak RSS, with the hashing embedder and MiniLM beside its own rate.
        .executableTarget(
            name: "clusterd-ingest-bench",
            dependencies: [
                "ClusterdRPC", "ClusterdStore", "ClusterdService", "ClusterdCore", "ClusterdModel",
                "ClusterdTestSupport",
            ]
        ),
        // Embedder benchmark (`make bench`, release build): sentences/s beside an onnxruntime baseline.
        .executableTarget(
            name: "clusterd-bench",
            dependencies: ["ClusterdModel", "ClusterdCore", "ClusterdEmbedding", "COpenBLAS"]
        ),
        // k-means at scale against scikit-learn and faiss on synthetic centres (`make bench-cluster`, release build).
        .executableTarget(
            name: "clusterd-cluster-bench",
            dependencies: ["ClusterdCore", "ClusterdEmbedding", "ClusterdClustering"]
        ),
        // Clustering quality on the labelled sets in ../shared/eval (`make eval`, release build): ACC, NMI, ARI.
        .executableTarget(
            name: "clusterd-eval",
            dependencies: ["ClusterdModel", "ClusterdCore", "ClusterdEmbedding", "ClusterdClustering"]
        ),
        .executableTarget(
            name: "clusterctl",
            dependencies: [
                "ClusterdRPC", "ClusterdCore", "ClusterdReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // libFuzzer driver for the frame decoder and message decoding (make fuzz); replays a corpus otherwise.
        .executableTarget(
            name: "clusterd-fuzz",
            dependencies: ["ClusterdRPC", "ClusterdCore", .product(name: "NIOCore", package: "swift-nio")]
        ),

        // Test support shipped as a library: the embedded MongoDB-wire server and the server process harness.
        .target(
            name: "ClusterdTestSupport",
            dependencies: [
                "ClusterdStore", "ClusterdCore", "ClusterdRPC", "ClusterdLLM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),

        .testTarget(name: "ClusterdCoreTests", dependencies: ["ClusterdCore"]),
        .testTarget(name: "ClusterdReportTests", dependencies: ["ClusterdReport", "ClusterdCore"]),
        .testTarget(
            name: "ClusterdEmbeddingTests",
            dependencies: ["ClusterdEmbedding", "ClusterdCore", "CMiniLMInt8"]
        ),
        .testTarget(
            name: "ClusterdClusteringTests",
            dependencies: ["ClusterdClustering", "ClusterdCore", "ClusterdEmbedding"]
        ),
        .testTarget(name: "ClusterdIngestBenchTests", dependencies: ["clusterd-ingest-bench"]),
        .testTarget(name: "ClusterctlTableTests", dependencies: ["clusterctl", "ClusterdCore"]),
        .testTarget(
            name: "ClusterdLoggingTests",
            dependencies: ["ClusterdCore", "ClusterdLogging", "ClusterdTestSupport"]
        ),
        .testTarget(
            name: "ClusterdServerTests",
            dependencies: [
                "ClusterdServer", "ClusterdService", "ClusterdRPC", "ClusterdHTTP", "ClusterdCore", "ClusterdStore",
                "ClusterdEmbedding", "ClusterdTestSupport", "ClusterdNetworking",
            ]
        ),
        // Load against the real server over TCP (a short correctness run always; the full matrix with
        // CLUSTERD_LOAD=full, the transport-ceiling comparison with CLUSTERD_BENCH_RPC=1, the cost of metrics with
        // CLUSTERD_BENCH_METRICS=1).
        .testTarget(
            name: "LoadTests",
            dependencies: [
                "ClusterdRPC", "ClusterdCore", "ClusterdStore", "ClusterdTestSupport",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "ClusterdLLMTests", dependencies: ["ClusterdLLM", "ClusterdCore", "ClusterdTestSupport"]),
        .testTarget(
            name: "ClusterdModelTests",
            dependencies: ["ClusterdModel", "ClusterdCore", "ClusterdEmbedding"],
            resources: [.copy("Fixtures/minilm_golden.json")]
        ),
        .testTarget(
            name: "ClusterdStoreTests",
            dependencies: ["ClusterdStore", "ClusterdCore", "ClusterdClustering", "ClusterdTestSupport"]
        ),
        .testTarget(
            name: "ClusterdServiceTests",
            dependencies: [
                "ClusterdService", "ClusterdCore", "ClusterdStore", "ClusterdLLM", "ClusterdTestSupport",
                "ClusterdEmbedding", "ClusterdLogging",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "ClusterdHTTPTests",
            dependencies: [
                "ClusterdHTTP", "ClusterdService", "ClusterdCore", "ClusterdTestSupport", "ClusterdReport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ClusterdNetworkingTests",
            dependencies: [
                "ClusterdNetworking", "ClusterdTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ClusterdRPCTests",
            dependencies: [
                "ClusterdRPC", "ClusterdWire", "ClusterdCore", "ClusterdTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ClusterdRPC", "ClusterdService", "ClusterdStore", "ClusterdCore", "ClusterdTestSupport",
                "ClusterdModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
