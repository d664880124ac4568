import ClusterdCore
import Foundation
import Testing

@testable import clusterctl

/// `clusterctl clusters` output: the tree, `--level`, and `--json` with level and parent.
@Suite struct ClusterTableTests {
    static let listing = ClusterListing(
        run: RunSummary(
            id: "r",
            status: "succeeded",
            createdAt: Date(timeIntervalSince1970: 0),
            finishedAt: nil,
            triggerReason: "t",
            totalConversations: 9,
            totalMessages: 9,
            clustersCreated: 7,
            durationMs: 1,
            error: ""
        ),
        clusters: [
            summary("c-base1", size: 4, parent: "c-mid1"),
            summary("c-base2", size: 3, parent: "c-mid1"),
            summary("other/c-mid2", size: 1, parent: "c-mid2"),
            summary("c-base3", size: 1, parent: "c-mid2"),
            summary("c-mid1", size: 7, level: 1, parent: "c-top"),
            summary("c-mid2", size: 2, level: 1, parent: "c-top"),
            summary("c-top", size: 9, level: 2),
        ]
    )

    static func summary(_ id: String, size: Int, level: Int = 0, parent: String? = nil) -> ClusterSummary {
        ClusterSummary(
            stableID: id,
            name: "name of \(id)",
            description: "",
            size: size,
            topConcepts: [],
            representativeConversationIDs: [],
            level: level,
            parent: parent
        )
    }

    @Test func theTreeIndentsChildrenUnderTheirParents() {
        let lines = ClusterTable.render(Self.listing).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("run r (succeeded): 7 clusters in 3 levels"))
        let body = lines.drop { !$0.hasPrefix("STABLE ID") }.dropFirst()
        let rows = body.map { $0.split(separator: " ")[0] }
        let indents = body.map { $0.prefix { $0 == " " }.count }
        #expect(rows == ["c-top", "c-mid1", "c-base1", "c-base2", "c-mid2", "c-base3", "other/c-mid2"])
        #expect(indents == [0, 2, 4, 4, 2, 4, 4])
    }

    @Test func levelShowsOneLevelFlat() {
        let lines = ClusterTable.render(Self.listing, level: 1).split(separator: "\n")
        let rows = lines.drop { !$0.hasPrefix("STABLE ID") }.dropFirst().map { $0.split(separator: " ")[0] }
        #expect(rows == ["c-mid1", "c-mid2"])
    }

    @Test func jsonCarriesLevelAndParent() throws {
        let object = try JSONSerialization.jsonObject(with: Data(ClusterTable.json(Self.listing).utf8))
        let clusters = try #require((object as? [String: Any])?["clusters"] as? [[String: Any]])
        #expect(clusters.count == 7)
        let top = try #require(clusters.first { $0["stable_id"] as? String == "c-top" })
        #expect(top["level"] as? Int == 2 && top["parent"] is NSNull)
        let base = try #require(clusters.first { $0["stable_id"] as? String == "c-base1" })
        #expect(base["level"] as? Int == 0 && base["parent"] as? String == "c-mid1")
        let levelOne = try JSONSerialization.jsonObject(with: Data(ClusterTable.json(Self.listing, level: 1).utf8))
        #expect(((levelOne as? [String: Any])?["clusters"] as? [Any])?.count == 2)
    }
}
