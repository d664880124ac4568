import ClusterdCore
import ClusterdEmbedding
import ClusterdRPC
import ClusterdService
import ClusterdStore
import ClusterdTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ClusterdServer

/// The adapter between the RPC server and the service: error mapping, list limits, and each call's reply through
/// the real service over the embedded MongoDB.
@Suite struct ServiceRPCAdapterTests {
    @Test(arguments: [
        (ServiceError.Code.queueFull, RPCStatusCode.resourceExhausted),
        (.invalidArgument, .invalidArgument),
        (.notFound, .notFound),
        (.storeUnavailable, .unavailable),
        (.stopping, .unavailable),
    ])
    func serviceErrorsMapToWireCodes(code: ServiceError.Code, wire: RPCStatusCode) {
        let mapped = ServiceRPCAdapter.rpcError(ServiceError(code, "why"))
        #expect(mapped == RPCError(code: wire, message: "why"))
    }

    @Test func listRunsLimits() {
        #expect(ServiceRPCAdapter.runLimit(requested: 0) == ServiceRPCAdapter.defaultRunLimit)
        #expect(ServiceRPCAdapter.runLimit(requested: 7) == 7)
        #expect(ServiceRPCAdapter.runLimit(requested: UInt32.max) == ServiceRPCAdapter.maxRunLimit)
    }

    @Test func eachCallAnswersThroughItsResponder() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let service = ServiceFixture.service(store: store)
        defer { service.shutdown() }
        let adapter = ServiceRPCAdapter(service: service)

        let empty = ReplyBox()
        adapter.triggerAnalysis(messageID: "", conversationID: "", reply: empty.responder(RPCReply.triggerAnalysis))
        #expect(empty.wait()?.code == .invalidArgument)

        let queued = ReplyBox()
        adapter.triggerAnalysis(
            messageID: "m-1",
            conversationID: "c",
            reply: queued.responder(RPCReply.triggerAnalysis)
        )
        #expect(queued.wait() == .triggerAnalysis(TriggerAnalysisResult(outcome: .queued, queueDepth: 1)))

        let batch = ReplyBox()
        adapter.triggerAnalysisBatch(
            [TriggerItem(messageID: "m-1"), TriggerItem(messageID: "")],
            reply: batch.responder(RPCReply.triggerAnalysisBatch)
        )
        guard case .triggerAnalysisBatch(let result) = batch.wait() else {
            Issue.record("no batch reply")
            return
        }
        #expect(result.results.map(\.outcome) == [.alreadyQueued, .unspecified])
        #expect(result.results[1].error?.code == .invalidArgument)

        let unknown = ReplyBox()
        adapter.listClusters(runID: "no-such-run", page: PageRequest(), reply: unknown.responder(RPCReply.listClusters))
        #expect(unknown.wait()?.code == .notFound)

        let runs = ReplyBox()
        adapter.listRuns(limit: 0, page: PageRequest(), reply: runs.responder(RPCReply.listRuns))
        #expect(runs.wait()?.code == .ok)
    }

    @Test func getConversationClusterRefusesBadIdsAndAnswersNotFoundBeforeAnyRun() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let service = ServiceFixture.service(store: store)
        defer { service.shutdown() }
        let adapter = ServiceRPCAdapter(service: service)

        for (id, code) in [
            ("", RPCStatusCode.invalidArgument),
            (String(repeating: "x", count: 1025), .invalidArgument),
            ("conv-nowhere", .notFound),
        ] {
            let box = ReplyBox()
            adapter.getConversationCluster(conversationID: id, reply: box.responder(RPCReply.getConversationCluster))
            guard case .error(let error) = box.wait() else {
                Issue.record("no error reply for \(id.prefix(20))")
                continue
            }
            #expect(error.code == code)
            #expect(!error.message.isEmpty)
        }
    }
}

/// The first reply a responder delivers, waited for with a deadline.
final class ReplyBox: Sendable {
    private let reply = Mutex<RPCReply?>(nil)
    private let delivered = DispatchSemaphore(value: 0)

    /// A responder that stores the reply `wrap` makes (for a call whose connection closes with `cancellation`).
    func responder<Value>(
        _ wrap: @escaping @Sendable (Value) -> RPCReply,
        cancellation: CallCancellation? = nil
    ) -> RPCResponder<Value> {
        RPCResponder(
            wrap: wrap,
            complete: { [self] answer in
                reply.withLock { $0 = answer }
                delivered.signal()
            },
            cancellation: cancellation
        )
    }

    /// The reply, or nil when none came within 10 seconds.
    func wait() -> RPCReply? {
        guard delivered.wait(timeout: .now() + 10) == .success else { return nil }
        return reply.withLock { $0 }
    }
}

/// A service on the embedded MongoDB with a manual wall clock, not started (status answers from memory).
enum ServiceFixture {
    /// The service's wall clock, moved by tests.
    static func service(store: MongoStore, now: @escaping @Sendable () -> Date = { Date() })
        -> BackgroundClusteringService
    {
        BackgroundClusteringService(
            configuration: ServiceConfiguration(analysisWorkers: 1, queueCapacity: 100),
            store: store,
            embedder: HashingEmbedder(),
            logger: Logger(label: "test"),
            now: now
        )
    }
}
