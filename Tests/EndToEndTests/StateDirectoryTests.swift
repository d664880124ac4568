import ClusterdTestSupport
import Foundation
import Testing

extension EndToEnd {
    /// `.state` holds the embedded store's data and logs (the host's messages): owner-only.
    @Suite("State directory")
    struct StateDirectory {
        /// The permission bits of `path`.
        private static func mode(_ path: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
        }

        @Test("scripts/mongo-embedded creates .state 700 and its files 600 (umask 077)")
        func ownerOnly() async throws {
            // A copy of the script in a scratch tree (it works relative to its own directory), with the venv.
            let root = try TemporaryDirectory(prefix: "clusterd-state")
            let scripts = root.url.appendingPathComponent("scripts")
            try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
            let script = scripts.appendingPathComponent("mongo-embedded").path
            try FileManager.default.copyItem(
                atPath: TestBinaries.packageRoot.appendingPathComponent("scripts/mongo-embedded").path,
                toPath: script
            )
            try FileManager.default.createSymbolicLink(
                atPath: root.path(".venv"),
                withDestinationPath: TestBinaries.packageRoot.appendingPathComponent(".venv").path
            )
            let port = try EmbeddedMongo.freePort()
            let start = try await ChildProcess.run(script, ["start", "\(port)"], timeout: .seconds(60))
            #expect(start.exitCode == 0, "\(start.stdout)\(start.stderr)")
            let state = root.path(".state")
            #expect(try Self.mode(state) == 0o700)
            #expect(try Self.mode("\(state)/mongo") == 0o700)
            for file in ["mongo-\(port).pid", "mongo-\(port).log"] {
                #expect(try Self.mode("\(state)/\(file)") == 0o600, "\(file)")
            }
            let stop = try await ChildProcess.run(script, ["stop", "\(port)"], timeout: .seconds(30))
            #expect(stop.exitCode == 0)
            // Whatever the store wrote is owner-only too.
            let written = FileManager.default.enumerator(atPath: "\(state)/mongo")?.allObjects as? [String] ?? []
            for name in written {
                let mode = try Self.mode("\(state)/mongo/\(name)")
                #expect(mode & 0o077 == 0, "\(name) is \(String(mode, radix: 8))")
            }
        }
    }
}
