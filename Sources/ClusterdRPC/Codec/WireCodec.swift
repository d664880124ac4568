import ClusterdCore
import ClusterdWire
import Foundation

/// Converts frames between Swift values and protobuf-c bytes (the frame body, without the length prefix).
public enum WireCodec {
    /// The protocol version this build speaks.
    public static let protocolVersion: UInt32 = 1

    /// Packs a frame into protobuf bytes.
    public static func encode(_ frame: RPCFrame) -> [UInt8] {
        encode(frame) { size, pack in
            [UInt8](unsafeUninitializedCapacity: size) { bytes, initialized in
                if size > 0 { pack(bytes.baseAddress!) }
                initialized = size
            }
        }
    }

    /// Packs a frame where the caller wants it: `sink` gets the packed size and a function that writes exactly that
    /// many bytes at a pointer (call it at most once, before `sink` returns; a size of 0 needs no call).
    static func encode<Result>(
        _ frame: RPCFrame,
        sink: (_ size: Int, _ pack: (UnsafeMutablePointer<UInt8>) -> Void) -> Result
    ) -> Result {
        let arena = CArena()
        var message = Clusterd__V1__Frame()
        clusterd__v1__frame__init(&message)
        message.call_id = frame.callID
        fill(&message, with: frame.body, arena: arena)
        return withUnsafePointer(to: &message) { pointer in
            let size = clusterd__v1__frame__get_packed_size(pointer)
            return sink(size) { output in
                let written = clusterd__v1__frame__pack(pointer, output)
                precondition(written == size, "protobuf-c packed \(written) of \(size) bytes")
            }
        }
    }

    /// Unpacks protobuf bytes; malformed input is an INVALID_ARGUMENT error.
    public static func decode<Bytes: Collection>(_ bytes: Bytes) throws(RPCError) -> RPCFrame
    where Bytes.Element == UInt8 {
        if let frame = bytes.withContiguousStorageIfAvailable(emptyRequest) ?? nil { return frame }
        return try unpack(bytes)
    }

    /// Unpacks protobuf bytes with protobuf-c.
    static func unpack<Bytes: Collection>(_ bytes: Bytes) throws(RPCError) -> RPCFrame where Bytes.Element == UInt8 {
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

    /// GetStatus and ForceClustering in the form every protobuf encoder gives them (the call id's varint field,
    /// then the empty request message), decoded without protobuf-c; nil for anything else, which the full decoder
    /// reads. The same frame as the full decoder's, at a fraction of the cost of its allocations.
    static func emptyRequest(_ bytes: UnsafeBufferPointer<UInt8>) -> RPCFrame? {
        var index = 1
        // Varints in their shortest form only: anything else is left to protobuf-c, whose limits differ between
        // tags and values.
        func varint() -> UInt64? { ProtobufVarint.read(UnsafeRawBufferPointer(bytes), at: &index, canonical: true) }
        guard bytes.count >= 4, bytes.count <= 15, bytes[0] == 0x08, bytes[bytes.count - 1] == 0 else { return nil }
        guard let callID = varint(), let tag = varint(), index == bytes.count - 1 else { return nil }
        switch tag {
        case UInt64(CLUSTERD__V1__FRAME__BODY_GET_STATUS.rawValue) << 3 | 2:
            return RPCFrame(callID: callID, body: .getStatus)
        case UInt64(CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING.rawValue) << 3 | 2:
            return RPCFrame(callID: callID, body: .forceClustering)
        default:
            return nil
        }
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
            message.list_clusters_reply.pointee.n_clusters = listing.clusters.count
            message.list_clusters_reply.pointee.clusters = arena.array(listing.clusters) {
                Optional(encodeCluster($0, arena: arena))
            }
        case .error(let error):
            message.body_case = CLUSTERD__V1__FRAME__BODY_ERROR
            message.error = arena.message(clusterd__v1__error__init)
            message.error.pointee.code = Clusterd__V1__Code(rawValue: UInt32(error.code.rawValue))
            message.error.pointee.message = arena.string(error.message)
        case .listRuns(let limit):
            message.body_case = CLUSTERD__V1__FRAME__BODY_LIST_RUNS
            message.list_runs = arena.message(clusterd__v1__list_runs_request__init)
            message.list_runs.pointee.limit = limit
        case .listRunsReply(let runs):
            message.body_case = CLUSTERD__V1__FRAME__BODY_LIST_RUNS_REPLY
            message.list_runs_reply = arena.message(clusterd__v1__list_runs_reply__init)
            message.list_runs_reply.pointee.n_runs = runs.count
            message.list_runs_reply.pointee.runs = arena.array(runs) { Optional(encodeRun($0, arena: arena)) }
        case .triggerAnalysisBatch(let items):
            message.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH
            message.trigger_analysis_batch = arena.message(clusterd__v1__trigger_analysis_batch_request__init)
            message.trigger_analysis_batch.pointee.n_items = items.count
            message.trigger_analysis_batch.pointee.items = arena.array(items) { item in
                let out = arena.message(clusterd__v1__trigger_analysis_request__init)
                out.pointee.message_id = arena.string(item.messageID)
                out.pointee.conversation_id = arena.string(item.conversationID)
                return Optional(out)
            }
        case .triggerAnalysisBatchReply(let results, let depth):
            message.body_case = CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH_REPLY
            message.trigger_analysis_batch_reply = arena.message(clusterd__v1__trigger_analysis_batch_reply__init)
            message.trigger_analysis_batch_reply.pointee.n_results = results.count
            message.trigger_analysis_batch_reply.pointee.results = arena.array(results) { result in
                let out = arena.message(clusterd__v1__trigger_analysis_batch_reply__result__init)
                out.pointee.outcome = Clusterd__V1__TriggerAnalysisReply__Outcome(
                    rawValue: UInt32(result.outcome.rawValue)
                )
                if let error = result.error {
                    out.pointee.error_code = Clusterd__V1__Code(rawValue: UInt32(error.code.rawValue))
                    out.pointee.error_message = arena.string(error.message)
                }
                return Optional(out)
            }
            message.trigger_analysis_batch_reply.pointee.queue_depth = depth
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
        // Usually the same run (the last one succeeded): packed from one C message rather than encoded twice.
        out.pointee.last_run =
            status.lastRun == status.latestClusteringRun
            ? out.pointee.latest_clustering_run : status.lastRun.map { encodeRun($0, arena: arena) }
        out.pointee.queue_depth = UInt32(clamping: status.queueDepth)
        out.pointee.queue_capacity = UInt32(clamping: status.queueCapacity)
        out.pointee.in_flight_analyses = UInt32(clamping: status.inFlightAnalyses)
        out.pointee.analyzed_total = UInt64(max(0, status.analyzedTotal))
        out.pointee.failed_total = UInt64(max(0, status.failedTotal))
        out.pointee.last_error = arena.string(status.lastError)
        out.pointee.clustering_stage = arena.string(status.clusteringStage)
        out.pointee.clustering_progress = status.clusteringProgress
        out.pointee.follow_up_queued = status.followUpQueued ? 1 : 0
        out.pointee.n_degraded = status.degraded.count
        out.pointee.degraded = arena.strings(status.degraded)
        out.pointee.uptime_seconds = status.uptimeSeconds
        out.pointee.version = arena.string(status.version)
        out.pointee.embedder = arena.string(status.embedder)
        out.pointee.embedder_detail = arena.string(status.embedderDetail)
        out.pointee.triggers_total = UInt64(max(0, status.triggersTotal))
        out.pointee.triggers_refused = UInt64(max(0, status.triggersRefused))
        out.pointee.swept_total = UInt64(max(0, status.sweptTotal))
        out.pointee.llm_state = arena.string(status.llm.state)
        out.pointee.llm_model = arena.string(status.llm.model)
        out.pointee.llm_calls = UInt64(max(0, status.llm.calls))
        out.pointee.llm_failures = UInt64(max(0, status.llm.failures))
        out.pointee.llm_retries = UInt64(max(0, status.llm.retries))
        out.pointee.llm_local_fallbacks = UInt64(max(0, status.llm.localFallbacks))
        out.pointee.llm_tokens_today = UInt64(max(0, status.llm.tokensToday))
        out.pointee.llm_daily_token_budget = UInt64(max(0, status.llm.dailyTokenBudget))
        out.pointee.llm_tokens_total = UInt64(max(0, status.llm.tokensTotal))
        out.pointee.llm_last_error = arena.string(status.llm.lastError)
        out.pointee.k_rule = arena.string(status.kRule)
        out.pointee.min_cluster_size = UInt32(clamping: status.minClusterSize)
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
        out.pointee.metrics = run.metrics.map { encodeMetrics($0, arena: arena) }
        out.pointee.n_lineage = run.lineage.count
        out.pointee.lineage = arena.array(run.lineage) { Optional(encodeLineage($0, arena: arena)) }
        return out
    }

    private static func encodeMetrics(_ metrics: RunMetrics, arena: CArena)
        -> UnsafeMutablePointer<Clusterd__V1__RunMetrics>
    {
        let out = arena.message(clusterd__v1__run_metrics__init)
        out.pointee.silhouette = metrics.silhouette ?? .nan
        out.pointee.inertia = metrics.inertia
        out.pointee.n_sizes = metrics.sizes.count
        out.pointee.sizes = arena.array(metrics.sizes) { UInt64(max(0, $0)) }
        out.pointee.k = UInt32(clamping: metrics.k)
        out.pointee.churn = metrics.churn ?? .nan
        out.pointee.adjusted_rand_index = metrics.adjustedRandIndex ?? .nan
        out.pointee.compared_conversations = UInt64(max(0, metrics.comparedConversations))
        return out
    }

    private static func encodeLineage(_ event: LineageEvent, arena: CArena)
        -> UnsafeMutablePointer<Clusterd__V1__LineageEvent>
    {
        let out = arena.message(clusterd__v1__lineage_event__init)
        out.pointee.kind = arena.string(event.kind.rawValue)
        out.pointee.n_stable_ids = event.stableIDs.count
        out.pointee.stable_ids = arena.strings(event.stableIDs)
        out.pointee.n_previous_stable_ids = event.previousStableIDs.count
        out.pointee.previous_stable_ids = arena.strings(event.previousStableIDs)
        out.pointee.renamed = event.renamed ? 1 : 0
        out.pointee.overlap = event.overlap ?? .nan
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
        out.pointee.n_top_concepts = cluster.topConcepts.count
        out.pointee.top_concepts = arena.strings(cluster.topConcepts)
        out.pointee.n_representative_conversation_ids = cluster.representativeConversationIDs.count
        out.pointee.representative_conversation_ids = arena.strings(cluster.representativeConversationIDs)
        out.pointee.lineage = arena.string(cluster.lineage.kind.rawValue)
        out.pointee.n_previous_stable_ids = cluster.lineage.previousStableIDs.count
        out.pointee.previous_stable_ids = arena.strings(cluster.lineage.previousStableIDs)
        out.pointee.renamed = cluster.lineage.renamed ? 1 : 0
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
        case CLUSTERD__V1__FRAME__BODY_LIST_RUNS:
            return .listRuns(limit: frame.list_runs.pointee.limit)
        case CLUSTERD__V1__FRAME__BODY_LIST_RUNS_REPLY:
            let reply = frame.list_runs_reply.pointee
            return .listRunsReply((0..<reply.n_runs).compactMap { reply.runs[$0].map { decodeRun($0.pointee) } })
        case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH:
            let request = frame.trigger_analysis_batch.pointee
            let items = (0..<request.n_items).compactMap { index in
                request.items[index].map {
                    TriggerItem(
                        messageID: text($0.pointee.message_id),
                        conversationID: text($0.pointee.conversation_id)
                    )
                }
            }
            return .triggerAnalysisBatch(items)
        case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH_REPLY:
            let reply = frame.trigger_analysis_batch_reply.pointee
            let results = (0..<reply.n_results).compactMap { index in
                reply.results[index].map { decodeItemResult($0.pointee) }
            }
            return .triggerAnalysisBatchReply(results, queueDepth: reply.queue_depth)
        default:
            return .unknown
        }
    }

    private static func decodeItemResult(_ result: Clusterd__V1__TriggerAnalysisBatchReply__Result)
        -> TriggerItemResult
    {
        let outcome = TriggerOutcome(rawValue: Int(result.outcome.rawValue)) ?? .unspecified
        let code = Int(result.error_code.rawValue)
        guard code != 0 else { return TriggerItemResult(outcome: outcome) }
        let error = RPCError(code: RPCStatusCode(rawValue: code) ?? .internal, message: text(result.error_message))
        return TriggerItemResult(outcome: outcome, error: error)
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
        status.embedderDetail = text(source.embedder_detail)
        status.triggersTotal = Int(clamping: source.triggers_total)
        status.triggersRefused = Int(clamping: source.triggers_refused)
        status.sweptTotal = Int(clamping: source.swept_total)
        let llmState = text(source.llm_state)
        status.llm.state = llmState.isEmpty ? LLMStatusReport.notConfigured : llmState
        status.llm.model = text(source.llm_model)
        status.llm.calls = Int(clamping: source.llm_calls)
        status.llm.failures = Int(clamping: source.llm_failures)
        status.llm.retries = Int(clamping: source.llm_retries)
        status.llm.localFallbacks = Int(clamping: source.llm_local_fallbacks)
        status.llm.tokensToday = Int(clamping: source.llm_tokens_today)
        status.llm.dailyTokenBudget = Int(clamping: source.llm_daily_token_budget)
        status.llm.tokensTotal = Int(clamping: source.llm_tokens_total)
        status.llm.lastError = text(source.llm_last_error)
        status.kRule = text(source.k_rule)
        status.minClusterSize = Int(source.min_cluster_size)
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
            error: text(run.error),
            metrics: run.metrics.map { decodeMetrics($0.pointee) },
            lineage: (0..<run.n_lineage).compactMap { index in run.lineage[index].flatMap { decodeLineage($0.pointee) }
            }
        )
    }

    private static func decodeMetrics(_ metrics: Clusterd__V1__RunMetrics) -> RunMetrics {
        RunMetrics(
            silhouette: metrics.silhouette.isNaN ? nil : metrics.silhouette,
            inertia: metrics.inertia,
            sizes: (0..<metrics.n_sizes).map { Int(clamping: metrics.sizes[$0]) },
            k: Int(metrics.k),
            churn: metrics.churn.isNaN ? nil : metrics.churn,
            adjustedRandIndex: metrics.adjusted_rand_index.isNaN ? nil : metrics.adjusted_rand_index,
            comparedConversations: Int(clamping: metrics.compared_conversations)
        )
    }

    /// A lineage event; nil when its kind is unknown (a newer server).
    private static func decodeLineage(_ event: Clusterd__V1__LineageEvent) -> LineageEvent? {
        guard let kind = LineageKind(rawValue: text(event.kind)) else { return nil }
        return LineageEvent(
            kind: kind,
            stableIDs: (0..<event.n_stable_ids).map { text(event.stable_ids[$0]) },
            previousStableIDs: (0..<event.n_previous_stable_ids).map { text(event.previous_stable_ids[$0]) },
            renamed: event.renamed != 0,
            overlap: event.overlap.isNaN ? nil : event.overlap
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
            },
            lineage: ClusterLineage(
                kind: LineageKind(rawValue: text(cluster.lineage)) ?? .born,
                previousStableIDs: (0..<cluster.n_previous_stable_ids).map { text(cluster.previous_stable_ids[$0]) },
                renamed: cluster.renamed != 0
            )
        )
    }

    /// protobuf-c strings are NUL-terminated and may hold invalid UTF-8; it is repaired, never trusted.
    private static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }
}
