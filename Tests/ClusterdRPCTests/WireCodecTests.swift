import ClusterdCore
import Foundation
import Testing

@testable import ClusterdRPC

@Suite struct WireCodecTests {
    private func roundTrip(_ body: RPCMessage, callID: UInt64 = 42) throws -> RPCFrame {
        let frame = RPCFrame(callID: callID, body: body)
        return try WireCodec.decode(WireCodec.encode(frame))
    }

    @Test(arguments: [
        RPCMessage.request(.hello(protocolVersion: 1, clientName: "test", token: "sécret")),
        .reply(.hello(protocolVersion: 1, serverVersion: "0.1.0", maxFrameBytes: 1 << 20)),
        .request(.triggerAnalysis(messageID: "65a1b2c3d4e5f6a7b8c9d0e1", conversationID: "conv-1")),
        .reply(.triggerAnalysis(TriggerAnalysisResult(outcome: .alreadyQueued, queueDepth: 17))),
        .request(.forceClustering),
        .reply(.forceClustering(ForceClusteringResult(started: false, followUpQueued: true, message: "queued"))),
        .request(.getStatus),
        .request(.listClusters(runID: "")),
        .reply(.error(RPCError(code: .resourceExhausted, message: "queue full"))),
        .request(.listRuns(limit: 0)),
        .request(.listRuns(limit: 1000)),
        .reply(.listRuns(RunPage(runs: []))),
        .request(.listRuns(limit: 5, page: PageRequest(token: "40", size: 20))),
        .request(.listClusters(runID: "r", page: PageRequest(token: "r:3", size: 2))),
        .reply(.listRuns(RunPage(runs: [], nextPageToken: "12"))),
        .request(.forgetMessages(messageIDs: ["a", "65a1b2c3d4e5f60718293a4b"], conversationID: "")),
        .request(.forgetMessages(messageIDs: [], conversationID: "conv-1")),
        .reply(.forgetMessages(ForgetMessagesResult(analysesErased: 7, assignmentsErased: 3, clustersScrubbed: 2))),
        .request(.getConversationCluster(conversationID: "conv-1")),
        .reply(
            .getConversationCluster(
                ConversationPlacement(
                    conversationID: "conv-1",
                    runID: "65a1b2c3d4e5f6a7b8c9d0e1",
                    provisional: true,
                    distance: 0.25,
                    assignedAt: Date(timeIntervalSince1970: 1_700_000_000.123),
                    path: [
                        ClusterPathEntry(stableID: "c-base", name: "Refunds", level: 0, size: 12),
                        ClusterPathEntry(stableID: "c-top", name: "Billing", level: 1, size: 40),
                    ]
                )
            )
        ),
        .reply(
            .getConversationCluster(
                ConversationPlacement(
                    conversationID: "c",
                    runID: "r",
                    provisional: false,
                    distance: 0,
                    assignedAt: nil,
                    path: []
                )
            )
        ),
        .request(.getReport(ReportPageRequest())),
        .request(.getReport(ReportPageRequest(runID: "65a1b2c3d4e5f6a7b8c9d0e1", noText: true, offset: 250, limit: 9))),
        .reply(
            .getReport(
                ReportPage(
                    runID: "65a1b2c3d4e5f6a7b8c9d0e1",
                    totalClusters: 1001,
                    nextOffset: 250,
                    modelJSON: "{\"name\":\"<script>\\\"é\"}"
                )
            )
        ),
        .request(
            .triggerAnalysisBatch([TriggerItem(messageID: "a"), TriggerItem(messageID: "b", conversationID: "c")])
        ),
        .reply(
            .triggerAnalysisBatch(
                TriggerAnalysisBatchResult(
                    results: [
                        TriggerItemResult(outcome: .queued),
                        TriggerItemResult(
                            outcome: .unspecified,
                            error: RPCError(code: .invalidArgument, message: "empty")
                        ),
                        TriggerItemResult(outcome: .alreadyQueued),
                    ],
                    queueDepth: 9
                )
            )
        ),
        .reply(.triggerAnalysisBatch(TriggerAnalysisBatchResult(results: [], queueDepth: 0))),
    ])
    func requestAndReplyKindsRoundTrip(body: RPCMessage) throws {
        let decoded = try roundTrip(body, callID: UInt64.max)
        #expect(decoded.callID == UInt64.max)
        #expect(decoded.body == body)
    }

    @Test func statusRoundTripsEveryField() throws {
        // Every field set (the mapping table's fixture), and runs with metrics and lineage of every kind.
        var status = StatusMappingTests.everyFieldSet
        var run = StatusMappingTests.run("65a1b2c3d4e5f6a7b8c9d0e1")
        run.metrics = RunMetrics(
            silhouette: 0.31,
            inertia: 12.5,
            sizes: [7, 5, 3],
            k: 3,
            churn: 0.0625,
            adjustedRandIndex: 0.91,
            comparedConversations: 16,
            levelSizes: [30, 7, 3]
        )
        run.lineage = [
            LineageEvent(
                kind: .continued,
                stableIDs: ["c-1"],
                previousStableIDs: ["c-1"],
                renamed: true,
                overlap: 0.5
            ),
            LineageEvent(kind: .born, stableIDs: ["c-3"], previousStableIDs: []),
            LineageEvent(kind: .split, stableIDs: ["c-1", "c-3"], previousStableIDs: ["c-1"]),
            LineageEvent(kind: .retired, stableIDs: [], previousStableIDs: ["c-2"]),
        ]
        status.latestClusteringRun = run
        status.lastRun = run
        status.queueCapacity = 100
        let decoded = try roundTrip(.reply(.getStatus(status)))
        #expect(decoded.body == .reply(.getStatus(status)))
    }

    @Test func undefinedMetricsTravelAsNaNAndComeBackNil() throws {
        var status = ServiceStatus()
        status.lastRun = RunSummary(
            id: "r",
            status: "succeeded",
            createdAt: Date(timeIntervalSince1970: 1000),
            finishedAt: nil,
            triggerReason: "t",
            totalConversations: 2,
            totalMessages: 2,
            clustersCreated: 1,
            durationMs: 5,
            error: "",
            metrics: RunMetrics(silhouette: nil, inertia: 0, sizes: [2], k: 1),
            lineage: [LineageEvent(kind: .born, stableIDs: ["c-1"], previousStableIDs: [])]
        )
        let decoded = try roundTrip(.reply(.getStatus(status)))
        #expect(decoded.body == .reply(.getStatus(status)))
        guard case .reply(.getStatus(let back)) = decoded.body else { return }
        #expect(back.lastRun?.metrics?.silhouette == nil)
        #expect(back.lastRun?.metrics?.churn == nil)
        #expect(back.lastRun?.lineage.first?.overlap == nil)
    }

    @Test func noRunIsMinusOneMinutesAndNilOnTheWayBack() throws {
        let decoded = try roundTrip(.reply(.getStatus(ServiceStatus())))
        guard case .reply(.getStatus(let status)) = decoded.body else {
            Issue.record("wrong kind")
            return
        }
        #expect(status.minutesSinceLastClustering == nil)
        #expect(status.latestClusteringRun == nil)
        #expect(status.llm.state == "not configured")
    }

    @Test func clusterListingRoundTrips() throws {
        let listing = ClusterListing(
            run: RunSummary(
                id: "r",
                status: "succeeded",
                createdAt: Date(timeIntervalSince1970: 1000),
                finishedAt: nil,
                triggerReason: "t",
                totalConversations: 3,
                totalMessages: 9,
                clustersCreated: 2,
                durationMs: 5,
                error: ""
            ),
            clusters: [
                ClusterSummary(
                    stableID: "c-1",
                    name: "billing",
                    description: "Conversations about billing.",
                    size: 2,
                    topConcepts: ["refund", "invoice"],
                    representativeConversationIDs: ["a", "b"],
                    lineage: ClusterLineage(kind: .merged, previousStableIDs: ["c-1", "c-9"], renamed: true),
                    parent: "c-3"
                ),
                ClusterSummary(
                    stableID: "c-2",
                    name: "Other",
                    description: "",
                    size: 1,
                    topConcepts: [],
                    representativeConversationIDs: []
                ),
                ClusterSummary(
                    stableID: "c-3",
                    name: "money",
                    description: "",
                    size: 2,
                    topConcepts: [],
                    representativeConversationIDs: [],
                    level: 1
                ),
            ]
        )
        let page = ClusterPage(listing: listing, nextPageToken: "run:2")
        #expect(try roundTrip(.reply(.listClusters(page))).body == .reply(.listClusters(page)))
    }

    @Test func garbageProtobufIsInvalidArgument() {
        let garbage: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]
        #expect(throws: RPCError.self) { try WireCodec.decode(garbage) }
        do {
            _ = try WireCodec.decode(garbage)
        } catch {
            #expect(error.code == .invalidArgument)
        }
    }

    @Test func unknownFieldsAreIgnoredAndAnUnknownBodyIsReported() throws {
        // Field 99 (varint) is unknown to version 1: the frame decodes with no body.
        let bytes: [UInt8] = [0x08, 0x07, 0x98, 0x06, 0x01]
        let frame = try WireCodec.decode(bytes)
        #expect(frame.callID == 7)
        #expect(frame.body == .unknown)
    }

    @Test func invalidUTF8InStringsIsRepairedNotTrusted() throws {
        // TriggerAnalysisRequest{message_id: 0xff 0xfe}
        let inner: [UInt8] = [0x0a, 0x02, 0xff, 0xfe]
        let bytes: [UInt8] = [0x08, 0x01, 0x62, UInt8(inner.count)] + inner
        let frame = try WireCodec.decode(bytes)
        guard case .request(.triggerAnalysis(let id, _)) = frame.body else {
            Issue.record("expected a trigger, got \(frame.body)")
            return
        }
        #expect(id == "\u{FFFD}\u{FFFD}")
    }

    @Test func runListRoundTripsNewestFirst() throws {
        let runs = [
            RunSummary(
                id: "r2",
                status: "failed",
                createdAt: Date(timeIntervalSince1970: 1_736_544_660),
                finishedAt: nil,
                triggerReason: "forced",
                totalConversations: 0,
                totalMessages: 0,
                clustersCreated: 0,
                durationMs: 0,
                error: "boom"
            ),
            RunSummary(
                id: "r1",
                status: "succeeded",
                createdAt: Date(timeIntervalSince1970: 1_736_544_600),
                finishedAt: Date(timeIntervalSince1970: 1_736_544_601.5),
                triggerReason: "threshold",
                totalConversations: 12,
                totalMessages: 40,
                clustersCreated: 3,
                durationMs: 1500,
                error: ""
            ),
        ]
        #expect(try roundTrip(.reply(.listRuns(RunPage(runs: runs)))).body == .reply(.listRuns(RunPage(runs: runs))))
    }
}
