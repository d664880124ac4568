import ClusterdCore
import Foundation
import Testing

@testable import ClusterdServer

@Suite struct SettingsCatalogTests {
    /// The README's configuration table, between its markers.
    static func readmeTable() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- settings:begin -->\n"))
        let end = try #require(readme.range(of: "\n<!-- settings:end -->"))
        return String(readme[begin.upperBound..<end.lowerBound])
    }

    @Test func readmeTableIsTheKeyTable() throws {
        // Regenerate with `scripts/gen-settings-doc` after changing a key.
        #expect(try Self.readmeTable() == SettingsCatalog.markdown)
    }

    @Test func everyKeyIsDocumentedOnceWithHelp() {
        let names = SettingsCatalog.keys.map(\.name)
        #expect(Set(names).count == names.count)
        for key in SettingsCatalog.keys {
            #expect(!key.help.isEmpty, "\(key.name) has no help")
            #expect(SettingsCatalog.helpText.contains(key.name))
        }
    }

    @Test func everyKeyTheServerReadsIsInTheTable() throws {
        // Each key set to a value that fails to parse either throws an error naming it, or is a free-form text
        // key; a key the settings read that is missing from the table would not be set here at all.
        let numeric = SettingsCatalog.keys.filter { ["1", "10", "15", "600", "3", "30"].contains($0.defaultValue) }
        #expect(numeric.count >= 10)
        for key in numeric {
            #expect(throws: SettingsError.self, "\(key.name) accepted a word") {
                try ServerSettings(environment: [key.name: "many", "ANTHROPIC_API_KEY": "k"])
            }
        }
    }

    @Test func documentedDefaultsAreTheDefaults() throws {
        // Setting every key with a literal default to that default changes nothing.
        var environment: [String: String] = ["ANTHROPIC_API_KEY": "k"]
        for key in SettingsCatalog.keys where !key.defaultValue.isEmpty && key.defaultValue != "cores" {
            environment[key.name] = key.defaultValue
        }
        environment.removeValue(forKey: "MONGODB_URI")
        let explicit = try ServerSettings(environment: environment)
        let implicit = try ServerSettings(environment: ["ANTHROPIC_API_KEY": "k"])
        #expect(explicit.rpc == implicit.rpc)
        #expect(explicit.store == implicit.store)
        #expect(explicit.process == implicit.process)
        #expect(explicit.service.trigger == implicit.service.trigger)
        #expect(explicit.service.schedule == implicit.service.schedule)
        #expect(explicit.service.queueCapacity == implicit.service.queueCapacity)
        #expect(explicit.service.tickSeconds == implicit.service.tickSeconds)
        #expect(explicit.service.fullSweepSeconds == implicit.service.fullSweepSeconds)
        #expect(explicit.service.maxAttempts == implicit.service.maxAttempts)
        #expect(explicit.service.forcedRunWaitSeconds == implicit.service.forcedRunWaitSeconds)
        #expect(explicit.service.changeStream == implicit.service.changeStream)
        #expect(explicit.service.clustering.minClusterSize == implicit.service.clustering.minClusterSize)
        let claude = try #require(explicit.service.anthropic)
        let plain = try #require(implicit.service.anthropic)
        #expect(claude.description == plain.description)
        #expect(claude.http.totalTimeoutMilliseconds == plain.http.totalTimeoutMilliseconds)
        #expect(claude.http.connectTimeoutMilliseconds == plain.http.connectTimeoutMilliseconds)
        #expect(claude.maxQueueWaitSeconds == plain.maxQueueWaitSeconds)
        #expect(claude.retry.maxAttempts == plain.retry.maxAttempts)
        #expect(claude.disableThinking == plain.disableThinking)
    }
}
