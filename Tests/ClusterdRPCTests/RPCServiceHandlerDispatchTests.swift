import ClusterdCore
import Foundation
import Synchronization
import Testing

@testable import ClusterdRPC

/// Every request kind reaches its own handler method, and the method's typed answer comes back as the matching
/// reply (or as an Error reply when the method fails).
@Suite struct RPCServiceHandlerDispatchTests {
    /// Answers every call with a fixed value, or fails them all; records which method ran with what.
    final class Recorder: RPCServiceHandler {
        let calls = Mutex<[String]>([])
        let failure: RPCError?

        init(failing failure: RPCError? = nil) {
            self.failure = failure
        }

        private func answer<Value>(_ call: String, _ reply: RPCResponder<Value>, _ value: Value) {
            calls.withLock { $0.append(call) }
            if let failure { reply.fail(failure) } else { reply.succeed(value) }
        }

        func triggerAnalysis(messageID: String, conversationID: String, reply: RPCResponder<TriggerAnalysisResult>) {
            answer("trigger \(messageID) \(conversationID)", reply, Self.trigger)
        }

        func triggerAnalysisBatch(_ items: [TriggerItem], reply: RPCResponder<TriggerAnalysisBatchResult>) {
            answer("batch \(items.map(\.messageID))", reply, Self.batch)
        }

        func forceClustering(reply: RPCResponder<ForceClusteringResult>) {
            answer("force", reply, Self.force)
        }

        func getStatus(reply: RPCResponder<ServiceStatus>) {
            answer("status", reply, Self.status)
        }

        func listRuns(limit: UInt32, page: PageRequest, reply: RPCResponder<RunPage>) {
            answer("runs \(limit)", reply, RunPage(runs: []))
        }

        func listClusters(runID: String, page: PageRequest, reply: RPCResponder<ClusterPage>) {
            answer("clusters \(runID)", reply, ClusterPage(listing: Self.listing))
        }

        func forgetMessages(messageIDs: [String], conversationID: String, reply: RPCResponder<ForgetMessagesResult>) {
            answer("forget \(messageIDs) \(conversationID)", reply, Self.forget)
        }

        func getConversationCluster(conversationID: String, reply: RPCResponder<ConversationPlacement>) {
            answer("placement \(conversationID)", reply, Self.placement)
        }

        func getReport(_ request: ReportPageRequest, reply: RPCResponder<ReportPage>) {
            answer("report \(request.runID) \(request.offset)", reply, Self.reportPage)
        }

        static let reportPage = ReportPage(runID: "r", totalClusters: 9, nextOffset: 4, modelJSON: "{}")

        static let trigger = TriggerAnalysisResult(outcome: .alreadyQueued, queueDepth: 4)
        static let batch = TriggerAnalysisBatchResult(results: [TriggerItemResult(outcome: .queued)], queueDepth: 1)
        static let forget = ForgetMessagesResult(analysesErased: 3, assignmentsErased: 2, clustersScrubbed: 1)
        static let placement = ConversationPlacement(
            conversationID: "c",
            runID: "r",
            provisional: true,
            distance: 0.5,
            assignedAt: Date(timeIntervalSince1970: 1),
            path: [ClusterPathEntry(stableID: "s", name: "n", level: 0, size: 3)]
        )
        static let force = ForceClusteringResult(started: false, followUpQueued: true, message: "queued")
        static var status: ServiceStatus {
            var status = ServiceStatus()
            status.version = "dispatch"
            return status
        }
        static let listing = ClusterListing(
            run: RunSummary(
                id: "r",
                status: "succeeded",
                createdAt: Date(timeIntervalSince1970: 0),
                finishedAt: nil,
                triggerReason: "",
                totalConversations: 0,
                totalMessages: 0,
                clustersCreated: 0,
                durationMs: 0,
                error: ""
            ),
            clusters: []
        )
    }

    private static let cases: [(RPCRequest, String, RPCReply)] = [
        (.triggerAnalysis(messageID: "m", conversationID: "c"), "trigger m c", .triggerAnalysis(Recorder.trigger)),
        (.triggerAnalysisBatch([TriggerItem(messageID: "a")]), "batch [\"a\"]", .triggerAnalysisBatch(Recorder.batch)),
        (.forceClustering, "force", .forceClustering(Recorder.force)),
        (.getStatus, "status", .getStatus(Recorder.status)),
        (.listRuns(limit: 7), "runs 7", .listRuns(RunPage(runs: []))),
        (.listClusters(runID: "r"), "clusters r", .listClusters(ClusterPage(listing: Recorder.listing))),
        (.forgetMessages(messageIDs: ["a"], conversationID: "c"), "forget [\"a\"] c", .forgetMessages(Recorder.forget)),
        (.getConversationCluster(conversationID: "c"), "placement c", .getConversationCluster(Recorder.placement)),
        (.getReport(ReportPageRequest(runID: "r", offset: 4)), "report r 4", .getReport(Recorder.reportPage)),
    ]

    private static func dispatch(_ request: RPCRequest, to handler: Recorder) -> RPCReply? {
        let reply = Mutex<RPCReply?>(nil)
        handler.dispatch(request) { answer in reply.withLock { $0 = answer } }
        return reply.withLock { $0 }
    }

    @Test(arguments: 0..<cases.count)
    func eachRequestReachesItsMethodAndItsAnswerComesBackAsItsReply(index: Int) {
        let (request, call, expected) = Self.cases[index]
        let handler = Recorder()
        #expect(Self.dispatch(request, to: handler) == expected)
        #expect(handler.calls.withLock { $0 } == [call])
    }

    @Test(arguments: 0..<cases.count)
    func aFailedCallIsAnErrorReply(index: Int) {
        let error = RPCError(code: .unavailable, message: "MongoDB is down")
        let handler = Recorder(failing: error)
        #expect(Self.dispatch(Self.cases[index].0, to: handler) == .error(error))
    }

    @Test func helloNeverReachesTheHandler() {
        let handler = Recorder()
        let reply = Self.dispatch(.hello(protocolVersion: 1, clientName: "c", token: ""), to: handler)
        #expect(reply?.code == .internal)
        #expect(handler.calls.withLock { $0 }.isEmpty)
    }
}
