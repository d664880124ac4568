import ClusterdCore
import ClusterdWire
import Foundation

/// Converts frames between Swift values and protobuf-c bytes (the frame body, without the length prefix).
public enum WireCodec {
    /// The protocol version this build speaks.
    public static let protocolVersion: UInt32 = 1

    /// Packs a frame into protobuf bytes.
    public static func encode(_ frame: RPCFrame) -> [UInt8] {
        let arena = CArena()
        var message = Clusterd__V1__Frame()
        clusterd__v1__frame__init(&message)
        message.call_id = frame.callID
        fill(&message, with: frame.body, arena: arena)
        return withUnsafePointer(to: &message) { pointer in
            let size = clusterd__v1__frame__get_packed_size(pointer)
            var bytes = [UInt8](repeating: 0, count: size)
            let written = bytes.withUnsafeMutableBufferPointer { clusterd__v1__frame__pack(pointer, $0.baseAddress) }
            precondition(written == size, "protobuf-c packed \(written) of \(size) bytes")
            return bytes
        }
    }

    /// Unpacks protobuf bytes; malformed input is an INVALID_ARGUMENT error.
    public static func decode<Bytes: Collection>(_ bytes: Bytes) throws(RPCError) -> RPCFrame
    where Bytes.Element == UInt8 {
        let contiguous = Array(bytes)
        let unpacked = contiguous.withUnsafeBufferPointer { buffer in
            clusterd__v1__frame__unpack(nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else {
            throw RPCError(code: .invalidArgument, message: "malformed frame: not a clusterd.v1.Frame")
        }
        defer { clusterd__v1__frame__free_unpacked(unpacked, nil) }
        return RPCFrame(callID: unpacked.pointee.call_id, body: body(of: unpacked.pointee))
    }

    // MARK: - Encoding

    private static func fill(_ message: inout Clusterd__V1__Frame, with body: FrameBody, arena: CArena) {
        switch body {
        case .hello(let version, let clientName, let token):
            message.body_case = CLUSTERD__V1__FRAME__BODY_HELLO
            message.hello = arena.message(clusterd__v1__hello__init)
            message.hello.pointee.protocol_version = version
            message.hello.pointee.client_name = arena.string(clientName)
            message.hello.pointee.token = arena.string(token)
        case .helloReply(let version, let serverVersion, let maxFrameBytes):
            message.body_case = CLUSTERD__V1__FRAME__BODY_HELLO_REPLY
            message.hello_reply = arena.message(clusterd__v1__hello_reply__init)
            message.hello_reply.pointee.protocol_version = version
            message.hello_reply.pointee.server_version = arena.string(serverVersion)
            message.hello_reply.pointee.max_frame_bytes = maxFrameBytes
        case .triggerAnalysis(let messageID, let conversationID):
            message.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS
            message.trigger_analysis = arena.message(clusterd__v1__trigger_analysis_request__init)
            message.trigger_analysis.pointee.message_id = arena.string(messageID)
            message.trigger_analysis.pointee.conversation_id = arena.string(conversationID)
        case .triggerAnalysisReply(let outcome, let depth):
            message.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_REPLY
            message.trigger_analysis_reply = arena.message(clusterd__v1__trigger_analysis_reply__init)
            message.trigger_analysis_reply.pointee.outcome = Clusterd__V1__TriggerAnalysisReply__Outcome(
                rawValue: UInt32(outcome.rawValue)
            )
            message.trigger_analysis_reply.pointee.queue_depth = depth
        case .forceClustering:
            message.body_case = CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING
            message.force_clustering = arena.message(clusterd__v1__force_clustering_request__init)
        case .forceClusteringReply(let started, let followUp, let text):
            message.body_case = CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING_REPLY
            message.force_clustering_reply = arena.message(clusterd__v1__force_clustering_reply__init)
            message.force_clustering_reply.pointee.started = started ? 1 : 0
            message.force_clustering_reply.pointee.follow_up_queued = followUp ? 1 : 0
            message.force_clustering_reply.pointee.message = arena.string(text)
        case .getStatus:
            message.body_case = CLUSTERD__V1__FRAME__BODY_GET_STATUS
            message.get_status = arena.message(clusterd__v1__get_status_request__init)
        case .getStatusReply(let status):
            message.body_case = CLUSTERD__V1__FRAME__BODY_GET_STATUS_REPLY
            message.get_status_reply = arena.message(clusterd__v1__get_status_reply__init)
            message.get_status_reply.pointee.status = encodeStatus(status, arena: arena)
        case .listClusters(let runID):
            message.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS
            message.list_clusters = arena.message(clusterd__v1__list_clusters_request__init)
            message.list_clusters.pointee.run_id = arena.string(runID)
        case .listClustersReply(let listing):
            message.body_case = CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS_REPLY
            message.list_clusters_reply = arena.message(clusterd__v1__list_clusters_reply__init)
            message.list_clusters_reply.pointee.run = encodeRun(listing.run, arena: arena)
            let clusters = listing.clusters.map { Optional(encodeCluster($0, arena: arena)) }
            message.list_clusters_reply.pointee.n_clusters = clusters.count
            message.list_clusters_reply.pointee.clusters = arena.array(clusters)
        case .error(let error):
            message.body_case = CLUSTERD__V1__FRAME__BODY_ERROR
            message.error = arena.message(clusterd__v1__error__init)
            message.error.pointee.code = Clusterd__V1__Code(rawValue: UInt32(error.code.rawValue))
            message.error.pointee.message = arena.string(error.message)
        case .unknown:
            message.body_case = CLUSTERD__V1__FRAME__BODY__NOT_SET
        }
    }

    private static func encodeStatus(_ status: ServiceStatus, arena: CArena) -> UnsafeMutablePointer<
        Clusterd__V1__Status
    > {
        let out = arena.message(clusterd__v1__status__init)
        out.pointee.enabled = status.enabled ? 1 : 0
        out.pointee.clustering_in_progress = status.clusteringInProgress ? 1 : 0
        out.pointee.unprocessed_messages = UInt64(max(0, status.unprocessedMessages))
        out.pointee.minutes_since_last_clustering = Int64(status.minutesSinceLastClustering ?? -1)
        out.pointee.should_trigger_clustering = status.shouldTriggerClustering ? 1 : 0
        out.pointee.trigger_reason = arena.string(status.triggerReason)
        let configuration = arena.message(clusterd__v1__configuration__init)
        configuration.pointee.message_threshold = UInt32(clamping: status.messageThreshold)
        configuration.pointee.time_threshold_minutes = UInt32(clamping: status.timeThresholdMinutes)
        configuration.pointee.analysis_workers = UInt32(clamping: status.analysisWorkers)
        configuration.pointee.queue_capacity = UInt32(clamping: status.queueCapacity)
        out.pointee.configuration = configuration
        out.pointee.latest_clustering_run = status.latestClusteringRun.map { encodeRun($0, arena: arena) }
        out.pointee.last_run = status.lastRun.map { encodeRun($0, arena: arena) }
        out.pointee.queue_depth = UInt32(clamping: status.queueDepth)
        out.pointee.queue_capacity = UInt32(clamping: status.queueCapacity)
        out.pointee.in_flight_analyses = UInt32(clamping: status.inFlightAnalyses)
        out.pointee.analyzed_total = UInt64(max(0, status.analyzedTotal))
        out.pointee.failed_total = UInt64(max(0, status.failedTotal))
        out.pointee.last_error = arena.string(status.lastError)
        out.pointee.clustering_stage = arena.string(status.clusteringStage)
        out.pointee.clustering_progress = status.clusteringProgress
        out.pointee.follow_up_queued = status.followUpQueued ? 1 : 0
        let degraded = status.degraded.map { Optional(arena.string($0)) }
        out.pointee.n_degraded = degraded.count
        out.pointee.degraded = arena.array(degraded)
        out.pointee.uptime_seconds = status.uptimeSeconds
        out.pointee.version = arena.string(status.version)
        out.pointee.embedder = arena.string(status.embedder)
        out.pointee.triggers_total = UInt64(max(0, status.triggersTotal))
        out.pointee.triggers_refused = UInt64(max(0, status.triggersRefused))
        out.pointee.swept_total = UInt64(max(0, status.sweptTotal))
        out.pointee.next_automatic_run_at_ms =
            status.nextAutomaticRunAt.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
        out.pointee.scheduling_reason = arena.string(status.schedulingReason)
        out.pointee.quiet_hours = arena.string(status.quietHours)
        out.pointee.max_automatic_runs_per_hour = UInt32(clamping: status.maxAutomaticRunsPerHour)
        out.pointee.automatic_runs_last_hour = UInt32(clamping: status.automaticRunsLastHour)
        return out
    }

    private static func encodeRun(_ run: RunSummary, arena: CArena) -> UnsafeMutablePointer<Clusterd__V1__RunSummary> {
        let out = arena.message(clusterd__v1__run_summary__init)
        out.pointee.id = arena.string(run.id)
        out.pointee.status = arena.string(run.status)
        out.pointee.created_at_ms = Int64((run.createdAt.timeIntervalSince1970 * 1000).rounded())
        out.pointee.finished_at_ms = run.finishedAt.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
        out.pointee.trigger_reason = arena.string(run.triggerReason)
        out.pointee.total_conversations = UInt64(max(0, run.totalConversations))
        out.pointee.total_messages = UInt64(max(0, run.totalMessages))
        out.pointee.clusters_created = UInt32(clamping: run.clustersCreated)
        out.pointee.duration_ms = UInt64(max(0, run.durationMs))
        out.pointee.error = arena.string(run.error)
        return out
    }

    private static func encodeCluster(_ cluster: ClusterSummary, arena: CArena)
        -> UnsafeMutablePointer<Clusterd__V1__ClusterInfo>
    {
        let out = arena.message(clusterd__v1__cluster_info__init)
        out.pointee.stable_id = arena.string(cluster.stableID)
        out.pointee.name = arena.string(cluster.name)
        out.pointee.description = arena.string(cluster.description)
        out.pointee.size = UInt64(max(0, cluster.size))
        let concepts = cluster.topConcepts.map { Optional(arena.string($0)) }
        out.pointee.n_top_concepts = concepts.count
        out.pointee.top_concepts = arena.array(concepts)
        let representatives = cluster.representativeConversationIDs.map { Optional(arena.string($0)) }
        out.pointee.n_representative_conversation_ids = representatives.count
        out.pointee.representative_conversation_ids = arena.array(representatives)
        return out
    }

    // MARK: - Decoding

    private static func body(of frame: Clusterd__V1__Frame) -> FrameBody {
        switch frame.body_case {
        case CLUSTERD__V1__FRAME__BODY_HELLO:
            let hello = frame.hello.pointee
            return .hello(
                protocolVersion: hello.protocol_version,
                clientName: text(hello.client_name),
                token: text(hello.token)
            )
        case CLUSTERD__V1__FRAME__BODY_HELLO_REPLY:
            let reply = frame.hello_reply.pointee
            return .helloReply(
                protocolVersion: reply.protocol_version,
                serverVersion: text(reply.server_version),
                maxFrameBytes: reply.max_frame_bytes
            )
        case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS:
            let request = frame.trigger_analysis.pointee
            return .triggerAnalysis(messageID: text(request.message_id), conversationID: text(request.conversation_id))
        case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_REPLY:
            let reply = frame.trigger_analysis_reply.pointee
            let outcome = TriggerOutcome(rawValue: Int(reply.outcome.rawValue)) ?? .unspecified
            return .triggerAnalysisReply(outcome, queueDepth: reply.queue_depth)
        case CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING:
            return .forceClustering
        case CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING_REPLY:
            let reply = frame.force_clustering_reply.pointee
            return .forceClusteringReply(
                started: reply.started != 0,
                followUpQueued: reply.follow_up_queued != 0,
                message: text(reply.message)
            )
        case CLUSTERD__V1__FRAME__BODY_GET_STATUS:
            return .getStatus
        case CLUSTERD__V1__FRAME__BODY_GET_STATUS_REPLY:
            return .getStatusReply(decodeStatus(frame.get_status_reply.pointee.status))
        case CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS:
            return .listClusters(runID: text(frame.list_clusters.pointee.run_id))
        case CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS_REPLY:
            let reply = frame.list_clusters_reply.pointee
            let clusters = (0..<reply.n_clusters).compactMap { index in
                reply.clusters[index].map { decodeCluster($0.pointee) }
            }
            let run = reply.run.map { decodeRun($0.pointee) } ?? emptyRun
            return .listClustersReply(ClusterListing(run: run, clusters: clusters))
        case CLUSTERD__V1__FRAME__BODY_ERROR:
            let error = frame.error.pointee
            let code = RPCStatusCode(rawValue: Int(error.code.rawValue)) ?? .internal
            return .error(RPCError(code: code, message: text(error.message)))
        default:
            return .unknown
        }
    }

    private static let emptyRun = RunSummary(
        id: "",
        status: "",
        createdAt: Date(timeIntervalSince1970: 0),
        finishedAt: nil,
        triggerReason: "",
        totalConversations: 0,
        totalMessages: 0,
        clustersCreated: 0,
        durationMs: 0,
        error: ""
    )

    private static func decodeStatus(_ pointer: UnsafeMutablePointer<Clusterd__V1__Status>?) -> ServiceStatus {
        var status = ServiceStatus()
        guard let source = pointer?.pointee else { return status }
        status.enabled = source.enabled != 0
        status.clusteringInProgress = source.clustering_in_progress != 0
        status.unprocessedMessages = Int(clamping: source.unprocessed_messages)
        status.minutesSinceLastClustering =
            source.minutes_since_last_clustering < 0 ? nil : Int(source.minutes_since_last_clustering)
        status.shouldTriggerClustering = source.should_trigger_clustering != 0
        status.triggerReason = text(source.trigger_reason)
        if let configuration = source.configuration?.pointee {
            status.messageThreshold = Int(configuration.message_threshold)
            status.timeThresholdMinutes = Int(configuration.time_threshold_minutes)
            status.analysisWorkers = Int(configuration.analysis_workers)
        }
        status.latestClusteringRun = source.latest_clustering_run.map { decodeRun($0.pointee) }
        status.lastRun = source.last_run.map { decodeRun($0.pointee) }
        status.queueDepth = Int(source.queue_depth)
        status.queueCapacity = Int(source.queue_capacity)
        status.inFlightAnalyses = Int(source.in_flight_analyses)
        status.analyzedTotal = Int(clamping: source.analyzed_total)
        status.failedTotal = Int(clamping: source.failed_total)
        status.lastError = text(source.last_error)
        status.clusteringStage = text(source.clustering_stage)
        status.clusteringProgress = source.clustering_progress
        status.followUpQueued = source.follow_up_queued != 0
        status.degraded = (0..<source.n_degraded).map { text(source.degraded[$0]) }
        status.uptimeSeconds = source.uptime_seconds
        status.version = text(source.version)
        status.embedder = text(source.embedder)
        status.triggersTotal = Int(clamping: source.triggers_total)
        status.triggersRefused = Int(clamping: source.triggers_refused)
        status.sweptTotal = Int(clamping: source.swept_total)
        status.nextAutomaticRunAt =
            source.next_automatic_run_at_ms == 0
            ? nil : Date(timeIntervalSince1970: Double(source.next_automatic_run_at_ms) / 1000)
        status.schedulingReason = text(source.scheduling_reason)
        status.quietHours = text(source.quiet_hours)
        status.maxAutomaticRunsPerHour = Int(source.max_automatic_runs_per_hour)
        status.automaticRunsLastHour = Int(source.automatic_runs_last_hour)
        return status
    }

    private static func decodeRun(_ run: Clusterd__V1__RunSummary) -> RunSummary {
        RunSummary(
            id: text(run.id),
            status: text(run.status),
            createdAt: Date(timeIntervalSince1970: Double(run.created_at_ms) / 1000),
            finishedAt: run.finished_at_ms == 0 ? nil : Date(timeIntervalSince1970: Double(run.finished_at_ms) / 1000),
            triggerReason: text(run.trigger_reason),
            totalConversations: Int(clamping: run.total_conversations),
            totalMessages: Int(clamping: run.total_messages),
            clustersCreated: Int(run.clusters_created),
            durationMs: Int(clamping: run.duration_ms),
            error: text(run.error)
        )
    }

    private static func decodeCluster(_ cluster: Clusterd__V1__ClusterInfo) -> ClusterSummary {
        ClusterSummary(
            stableID: text(cluster.stable_id),
            name: text(cluster.name),
            description: text(cluster.description),
            size: Int(clamping: cluster.size),
            topConcepts: (0..<cluster.n_top_concepts).map { text(cluster.top_concepts[$0]) },
            representativeConversationIDs: (0..<cluster.n_representative_conversation_ids).map {
                text(cluster.representative_conversation_ids[$0])
            }
        )
    }

    /// protobuf-c strings are NUL-terminated and may hold invalid UTF-8; it is repaired, never trusted.
    private static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }
}
