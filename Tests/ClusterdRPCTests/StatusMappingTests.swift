import ClusterdCore
import ClusterdWire
import Foundation
import Testing

@testable import ClusterdRPC

/// The status mapping table: every property of `ServiceStatus` and every field of the wire `Status` has exactly one
/// entry, and a status with every field set round-trips.
@Suite struct StatusMappingTests {
    /// A status whose every property differs from `ServiceStatus()`.
    static var everyFieldSet: ServiceStatus {
        var status = ServiceStatus()
        status.enabled = false
        status.clusteringInProgress = true
        status.unprocessedMessages = 5
        status.minutesSinceLastClustering = 45
        status.shouldTriggerClustering = true
        status.triggerReason = "5 unprocessed messages (threshold: 3)"
        status.messageThreshold = 7
        status.timeThresholdMinutes = 31
        status.analysisWorkers = 2
        status.latestClusteringRun = run("r1")
        status.lastRun = run("r2")
        status.queueDepth = 3
        status.queueCapacity = 100
        status.inFlightAnalyses = 2
        status.analyzedTotal = 1000
        status.failedTotal = 2
        status.lastError = "boom"
        status.clusteringStage = "clustering"
        status.clusteringProgress = 0.5
        status.followUpQueued = true
        status.degraded = ["store", "embedder:fallback"]
        status.uptimeSeconds = 12.5
        status.version = "0.1.0"
        status.embedder = "hashing-v1"
        status.embedderDetail = "fallback: model files not found"
        status.triggersTotal = 10
        status.triggersRefused = 1
        status.sweptTotal = 4
        status.staleAnalyses = 9
        status.changeStream = "following"
        status.llm.state = "rate-limited"
        status.llm.model = "claude-haiku-5-5"
        status.llm.calls = 120
        status.llm.failures = 7
        status.llm.retries = 5
        status.llm.localFallbacks = 2
        status.llm.tokensToday = 51_000
        status.llm.dailyTokenBudget = 2_000_000
        status.llm.tokensTotal = 75_000
        status.llm.lastError = "rateLimited (429): rate_limit_error: slow down"
        status.llm.backlog = 120
        status.llm.backlogRatePerMinute = 40.5
        status.llm.backlogClearsInSeconds = 177.75
        status.llm.conceptRequests = 25
        status.llm.messagesUpgraded = 940
        status.llm.tokensPerMessage = 79.25
        status.llm.namesPending = 2
        status.llm.batchAPI = "in flight"
        status.kRule = "fixed:8"
        status.minClusterSize = 5
        status.nextAutomaticRunAt = Date(timeIntervalSince1970: 1_736_544_600.123)
        status.schedulingReason = "quiet hours until 07:00"
        status.quietHours = "22:00-07:00"
        status.maxAutomaticRunsPerHour = 6
        status.automaticRunsLastHour = 2
        status.replica.id = "replica-2"
        status.replica.leader = "replica-1"
        status.replica.isLeader = true
        status.replica.fencingToken = 4
        status.replica.leaseAgeSeconds = 12.25
        status.replica.liveClaims = 32
        return status
    }

    /// A succeeded run with metrics and one lineage event.
    static func run(_ id: String) -> RunSummary {
        RunSummary(
            id: id,
            status: "succeeded",
            createdAt: Date(timeIntervalSince1970: 1_736_544_600),
            finishedAt: Date(timeIntervalSince1970: 1_736_544_615),
            triggerReason: "forced",
            totalConversations: 15,
            totalMessages: 60,
            clustersCreated: 4,
            durationMs: 15000,
            error: "",
            metrics: RunMetrics(silhouette: 0.31, inertia: 12.5, sizes: [7, 5, 3], k: 3),
            lineage: [LineageEvent(kind: .born, stableIDs: ["c-3"], previousStableIDs: [])]
        )
    }

    /// Property paths of a value, descending into `llm` and `replica` (the nested reports), e.g. "llm.calls".
    private static func propertyPaths(of value: Any, prefix: String = "") -> [(path: String, value: String)] {
        Mirror(reflecting: value).children.flatMap { child -> [(path: String, value: String)] in
            let path = prefix + (child.label ?? "?")
            if child.value is LLMStatusReport || child.value is ReplicaStatus {
                return propertyPaths(of: child.value, prefix: path + ".")
            }
            return [(path, String(describing: child.value))]
        }
    }

    @Test func theFixtureSetsEveryProperty() {
        let defaults = Dictionary(uniqueKeysWithValues: Self.propertyPaths(of: ServiceStatus()))
        for (path, value) in Self.propertyPaths(of: Self.everyFieldSet) {
            #expect(defaults[path] != value, "the fixture leaves \(path) at its default")
        }
    }

    @Test func everyPropertyHasOneEntry() {
        let properties = Self.propertyPaths(of: ServiceStatus()).map(\.path)
        let entries = StatusMapping.fields.map(\.model)
        #expect(Set(entries).count == entries.count, "duplicate entries")
        #expect(Set(properties) == Set(entries))
    }

    @Test func everyWireFieldHasOneEntry() {
        func names(_ descriptor: ProtobufCMessageDescriptor) -> [String] {
            (0..<Int(descriptor.n_fields)).map { String(cString: descriptor.fields[$0].name) }
        }
        let configuration = names(clusterd__v1__configuration__descriptor).map { "configuration." + $0 }
        let replica = names(clusterd__v1__replica_status__descriptor).map { "replica." + $0 }
        let wire =
            names(clusterd__v1__status__descriptor).filter { $0 != "configuration" && $0 != "replica" }
            + configuration + replica
        let entries = StatusMapping.fields.flatMap(\.wire)
        #expect(Set(entries).count == entries.count, "a wire field written by two entries")
        #expect(Set(wire) == Set(entries))
    }

    @Test func everyFieldRoundTrips() throws {
        let status = Self.everyFieldSet
        let frame = try WireCodec.decode(WireCodec.encode(RPCFrame(callID: 1, reply: .getStatus(status))))
        #expect(frame.body == .reply(.getStatus(status)))
    }

    @Test(arguments: StatusMapping.fields.map(\.model))
    func eachEntryCarriesItsOwnProperty(model: String) {
        // One entry applied alone moves exactly its property from the fixture into a default status.
        let field = StatusMapping.fields.first { $0.model == model }!
        let arena = CArena()
        let message = StatusMapping.message(Self.everyFieldSet, arena: arena)
        var decoded = ServiceStatus()
        field.decode(message.pointee, &decoded)
        let changed = zip(Self.propertyPaths(of: decoded), Self.propertyPaths(of: ServiceStatus()))
            .filter { $0.value != $1.value }.map(\.0.path)
        #expect(changed == [model])
    }
}
