import ClusterdCore
import ClusterdRPC
import ClusterdService
import Foundation
import Testing

@testable import ClusterdServer

/// List replies cut into pages by count and by encoded size, with tokens that chain to the end.
@Suite struct ListPagingTests {
    private static func run(_ id: String) -> RunSummary {
        RunSummary(
            id: id,
            status: "succeeded",
            createdAt: Date(timeIntervalSince1970: 1_700_000_000),
            finishedAt: nil,
            triggerReason: "forced",
            totalConversations: 10,
            totalMessages: 20,
            clustersCreated: 50,
            durationMs: 5,
            error: ""
        )
    }

    private static let listing = ClusterListing(
        run: run("run1"),
        clusters: (0..<50).map { index in
            ClusterSummary(
                stableID: "c\(index)",
                name: "cluster \(index)",
                description: String(repeating: "d", count: 1000),
                size: index,
                topConcepts: ["a", "b"],
                representativeConversationIDs: ["x\(index)"]
            )
        }
    )

    @Test func clusterPagesStayUnderTheByteCapAndChainToTheEnd() throws {
        let paging = ListPaging(pageSize: 1000, maxReplyBytes: 8192)
        var token = ""
        var seen: [String] = []
        var pages = 0
        repeat {
            let page = try paging.clusters(Self.listing, page: PageRequest(token: token))
            let size = WireCodec.encode(RPCFrame(callID: UInt64.max, reply: .listClusters(page))).count
            #expect(size <= 8192, "page \(pages) is \(size) bytes")
            #expect(page.listing.run == Self.listing.run)
            seen += page.listing.clusters.map(\.stableID)
            token = page.nextPageToken
            let tokenRun = try ListPaging.runID(of: PageRequest(token: token))
            #expect(token.isEmpty || tokenRun == "run1")
            pages += 1
        } while !token.isEmpty && pages < 100
        #expect(seen == Self.listing.clusters.map(\.stableID))
        #expect(pages >= 7, "50 clusters of ~1 KB in 8 KB pages")
    }

    @Test func runPagesHonourTheServerAndTheClientPageSize() throws {
        let runs = (0..<7).map { Self.run("r\($0)") }
        let paging = ListPaging(pageSize: 3, maxReplyBytes: 1 << 20)
        let first = try paging.runs(runs, page: PageRequest())
        #expect(first.runs.map(\.id) == ["r0", "r1", "r2"] && first.nextPageToken == "3")
        let small = try paging.runs(runs, page: PageRequest(token: first.nextPageToken, size: 2))
        #expect(small.runs.map(\.id) == ["r3", "r4"] && small.nextPageToken == "5")
        let last = try paging.runs(runs, page: PageRequest(token: "5"))
        #expect(last.runs.map(\.id) == ["r5", "r6"] && last.nextPageToken.isEmpty)
        #expect(try paging.runs(runs, page: PageRequest(token: "99")).runs.isEmpty)
    }

    @Test func malformedTokensAreInvalidArguments() {
        let paging = ListPaging(pageSize: 3, maxReplyBytes: 1 << 20)
        for token in ["x", "-1", "run1:z"] {
            #expect(throws: ServiceError.self) {
                if token.contains(":") {
                    _ = try paging.clusters(Self.listing, page: PageRequest(token: token))
                } else {
                    _ = try paging.runs([], page: PageRequest(token: token))
                }
            }
        }
        #expect(throws: ServiceError.self) { _ = try ListPaging.runID(of: PageRequest(token: "no-colon")) }
    }
}
