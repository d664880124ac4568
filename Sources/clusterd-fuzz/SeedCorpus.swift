import ClusterdCore
import ClusterdRPC
import Foundation

/// Valid frames of every body kind, length-prefixed, as the fuzzer's starting corpus.
enum SeedCorpus {
    /// Named seed inputs.
    static func seeds() -> [(String, [UInt8])] {
        var status = ServiceStatus()
        status.triggerReason = "5 unprocessed messages (threshold: 3)"
        status.degraded = ["store"]
        let run = RunSummary(
            id: "65a1b2c3d4e5f6a7b8c9d0e1",
            status: "succeeded",
            createdAt: Date(timeIntervalSince1970: 1_736_544_600),
            finishedAt: nil,
            triggerReason: "forced",
            totalConversations: 3,
            totalMessages: 9,
            clustersCreated: 2,
            durationMs: 12,
            error: ""
        )
        status.latestClusteringRun = run
        let listing = ClusterListing(
            run: run,
            clusters: [
                ClusterSummary(
                    stableID: "c-1",
                    name: "billing",
                    description: "d",
                    size: 2,
                    topConcepts: ["refund"],
                    representativeConversationIDs: ["a"]
                )
            ]
        )
        let placement = ConversationPlacement(
            conversationID: "a",
            runID: run.id,
            provisional: true,
            distance: 0.25,
            assignedAt: Date(timeIntervalSince1970: 1_736_544_700),
            path: [ClusterPathEntry(stableID: "c-1", name: "billing", level: 0, size: 2)]
        )
        let bodies: [(String, RPCMessage)] = [
            ("hello", .request(.hello(protocolVersion: 1, clientName: "fuzz", token: "t"))),
            ("trigger", .request(.triggerAnalysis(messageID: "65a1b2c3d4e5f6a7b8c9d0e1", conversationID: "c"))),
            ("force", .request(.forceClustering)),
            ("status", .request(.getStatus)),
            ("clusters", .request(.listClusters(runID: ""))),
            ("status-reply", .reply(.getStatus(status))),
            ("clusters-reply", .reply(.listClusters(ClusterPage(listing: listing, nextPageToken: "run:1")))),
            ("error", .reply(.error(RPCError(code: .resourceExhausted, message: "full")))),
            ("conversation", .request(.getConversationCluster(conversationID: "a"))),
            ("conversation-reply", .reply(.getConversationCluster(placement))),
        ]
        var seeds = bodies.map { name, body in (name, framed(WireCodec.encode(RPCFrame(callID: 7, body: body)))) }
        seeds.append(("pipelined", seeds.prefix(4).flatMap(\.1)))
        seeds.append(("oversized", [0x80, 0, 0, 0, 1, 2, 3]))
        seeds.append(("empty-frame", [0, 0, 0, 0]))
        return seeds
    }

    private static func framed(_ body: [UInt8]) -> [UInt8] {
        FrameEncoding.prefixed(body)
    }
}
