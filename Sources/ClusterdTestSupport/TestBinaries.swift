import Foundation

/// Where the end-to-end tests find the programs they run: an environment variable first (set by `make test`),
/// then the package's `.build/debug/`, then any `.build-*/debug/` (scratch paths of other worktrees/builds).
public enum TestBinaries {
    /// The package root (derived from this file's path).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The clusterd server (`CLUSTERD_BIN`).
    public static var clusterd: String? { swiftProduct("clusterd", variable: "CLUSTERD_BIN") }

    /// The clusterctl CLI (`CLUSTERCTL_BIN`).
    public static var clusterctl: String? { swiftProduct("clusterctl", variable: "CLUSTERCTL_BIN") }

    /// The C client's end-to-end test program (`CLUSTERD_C_TEST_BIN`, else `clients/c/build/clusterd-test`).
    public static var cTestClient: String? {
        if let path = fromEnvironment("CLUSTERD_C_TEST_BIN") { return path }
        let path = packageRoot.appendingPathComponent("clients/c/build/clusterd-test").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// A binary that is required: its path, or an error saying how to build it.
    public static func require(_ path: String?, _ name: String) throws -> String {
        guard let path else {
            throw ChildProcess.SpawnError(
                description: "\(name) not found: build it (swift build) or set its *_BIN environment variable"
            )
        }
        return path
    }

    private static func fromEnvironment(_ variable: String) -> String? {
        guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else { return nil }
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    private static func swiftProduct(_ name: String, variable: String) -> String? {
        if let path = fromEnvironment(variable) { return path }
        let files = FileManager.default
        let primary = packageRoot.appendingPathComponent(".build/debug/\(name)").path
        if files.isExecutableFile(atPath: primary) { return primary }
        let scratch = (try? files.contentsOfDirectory(atPath: packageRoot.path)) ?? []
        let candidates = scratch.filter { $0.hasPrefix(".build-") || $0.hasPrefix(".build_") }.sorted()
            .map { packageRoot.appendingPathComponent("\($0)/debug/\(name)").path }
            .filter { files.isExecutableFile(atPath: $0) }
        // The most recently built one wins.
        return candidates.max { modified($0) < modified($1) }
    }

    private static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }
}
