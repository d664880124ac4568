import ClusterdCore
import ClusterdWire
import Foundation

/// ServiceStatus ↔ the protobuf-c `Status` message, one table entry per field. A new status field is a property
/// of `ServiceStatus`, a field of `Status` in the proto, and one entry here (the tests check that every property
/// and every wire field has one).
enum StatusMapping {
    /// The entries, in packing order (`last_run` reuses `latest_clustering_run`'s message, so it comes after it).
    static let fields: [StatusField] =
        [
            StatusField("enabled", "enabled") { s, o, _ in
                o.enabled = flag(s.enabled)
            } decode: { o, s in
                s.enabled = o.enabled != 0
            },
            StatusField("clusteringInProgress", "clustering_in_progress") { s, o, _ in
                o.clustering_in_progress = flag(s.clusteringInProgress)
            } decode: { o, s in
                s.clusteringInProgress = o.clustering_in_progress != 0
            },
            StatusField("unprocessedMessages", "unprocessed_messages") { s, o, _ in
                o.unprocessed_messages = count(s.unprocessedMessages)
            } decode: { o, s in
                s.unprocessedMessages = Int(clamping: o.unprocessed_messages)
            },
            StatusField("minutesSinceLastClustering", "minutes_since_last_clustering") { s, o, _ in
                o.minutes_since_last_clustering = Int64(s.minutesSinceLastClustering ?? -1)
            } decode: { o, s in
                let minutes = o.minutes_since_last_clustering
                s.minutesSinceLastClustering = minutes < 0 ? nil : Int(minutes)
            },
            StatusField("shouldTriggerClustering", "should_trigger_clustering") { s, o, _ in
                o.should_trigger_clustering = flag(s.shouldTriggerClustering)
            } decode: { o, s in
                s.shouldTriggerClustering = o.should_trigger_clustering != 0
            },
            StatusField("triggerReason", "trigger_reason") { s, o, a in
                o.trigger_reason = a.string(s.triggerReason)
            } decode: { o, s in
                s.triggerReason = WireText.text(o.trigger_reason)
            },
            StatusField("messageThreshold", "configuration.message_threshold") { s, o, _ in
                o.configuration.pointee.message_threshold = small(s.messageThreshold)
            } decode: { o, s in
                o.configuration.map { s.messageThreshold = Int($0.pointee.message_threshold) }
            },
            StatusField("timeThresholdMinutes", "configuration.time_threshold_minutes") { s, o, _ in
                o.configuration.pointee.time_threshold_minutes = small(s.timeThresholdMinutes)
            } decode: { o, s in
                o.configuration.map { s.timeThresholdMinutes = Int($0.pointee.time_threshold_minutes) }
            },
            StatusField("analysisWorkers", "configuration.analysis_workers") { s, o, _ in
                o.configuration.pointee.analysis_workers = small(s.analysisWorkers)
            } decode: { o, s in
                o.configuration.map { s.analysisWorkers = Int($0.pointee.analysis_workers) }
            },
            StatusField("queueCapacity", "queue_capacity", "configuration.queue_capacity") { s, o, _ in
                o.queue_capacity = small(s.queueCapacity)
                o.configuration.pointee.queue_capacity = small(s.queueCapacity)
            } decode: { o, s in
                s.queueCapacity = Int(o.queue_capacity)
            },
            StatusField("latestClusteringRun", "latest_clustering_run") { s, o, a in
                o.latest_clustering_run = s.latestClusteringRun.map { RunSummaryCodec.message($0, arena: a) }
            } decode: { o, s in
                s.latestClusteringRun = o.latest_clustering_run.map { RunSummaryCodec.run($0.pointee) }
            },
            // Usually the same run (the last one succeeded): packed from one C message rather than encoded twice.
            StatusField("lastRun", "last_run") { s, o, a in
                o.last_run =
                    s.lastRun == s.latestClusteringRun
                    ? o.latest_clustering_run : s.lastRun.map { RunSummaryCodec.message($0, arena: a) }
            } decode: { o, s in
                s.lastRun = o.last_run.map { RunSummaryCodec.run($0.pointee) }
            },
            StatusField("queueDepth", "queue_depth") { s, o, _ in
                o.queue_depth = small(s.queueDepth)
            } decode: { o, s in
                s.queueDepth = Int(o.queue_depth)
            },
            StatusField("inFlightAnalyses", "in_flight_analyses") { s, o, _ in
                o.in_flight_analyses = small(s.inFlightAnalyses)
            } decode: { o, s in
                s.inFlightAnalyses = Int(o.in_flight_analyses)
            },
            StatusField("analyzedTotal", "analyzed_total") { s, o, _ in
                o.analyzed_total = count(s.analyzedTotal)
            } decode: { o, s in
                s.analyzedTotal = Int(clamping: o.analyzed_total)
            },
            StatusField("failedTotal", "failed_total") { s, o, _ in
                o.failed_total = count(s.failedTotal)
            } decode: {
                o,
                s in
                s.failedTotal = Int(clamping: o.failed_total)
            },
            StatusField("lastError", "last_error") { s, o, a in
                o.last_error = a.string(s.lastError)
            } decode: { o, s in
                s.lastError = WireText.text(o.last_error)
            },
            StatusField("clusteringStage", "clustering_stage") { s, o, a in
                o.clustering_stage = a.string(s.clusteringStage)
            } decode: { o, s in
                s.clusteringStage = WireText.text(o.clustering_stage)
            },
            StatusField("clusteringProgress", "clustering_progress") { s, o, _ in
                o.clustering_progress = s.clusteringProgress
            } decode: { o, s in
                s.clusteringProgress = o.clustering_progress
            },
            StatusField("followUpQueued", "follow_up_queued") { s, o, _ in
                o.follow_up_queued = flag(s.followUpQueued)
            } decode: { o, s in
                s.followUpQueued = o.follow_up_queued != 0
            },
            StatusField("degraded", "degraded") { s, o, a in
                o.n_degraded = s.degraded.count
                o.degraded = a.strings(s.degraded)
            } decode: { o, s in
                s.degraded = WireText.texts(o.degraded, count: o.n_degraded)
            },
            StatusField("uptimeSeconds", "uptime_seconds") { s, o, _ in
                o.uptime_seconds = s.uptimeSeconds
            } decode: {
                o,
                s in
                s.uptimeSeconds = o.uptime_seconds
            },
            StatusField("version", "version") { s, o, a in
                o.version = a.string(s.version)
            } decode: { o, s in
                s.version = WireText.text(o.version)
            },
            StatusField("embedder", "embedder") { s, o, a in
                o.embedder = a.string(s.embedder)
            } decode: { o, s in
                s.embedder = WireText.text(o.embedder)
            },
            StatusField("embedderDetail", "embedder_detail") { s, o, a in
                o.embedder_detail = a.string(s.embedderDetail)
            } decode: { o, s in
                s.embedderDetail = WireText.text(o.embedder_detail)
            },
            StatusField("triggersTotal", "triggers_total") { s, o, _ in
                o.triggers_total = count(s.triggersTotal)
            } decode: { o, s in
                s.triggersTotal = Int(clamping: o.triggers_total)
            },
            StatusField("triggersRefused", "triggers_refused") { s, o, _ in
                o.triggers_refused = count(s.triggersRefused)
            } decode: { o, s in
                s.triggersRefused = Int(clamping: o.triggers_refused)
            },
            StatusField("sweptTotal", "swept_total") { s, o, _ in
                o.swept_total = count(s.sweptTotal)
            } decode: { o, s in
                s.sweptTotal = Int(clamping: o.swept_total)
            },
            StatusField("staleAnalyses", "stale_analyses") { s, o, _ in
                o.stale_analyses = count(s.staleAnalyses)
            } decode: { o, s in
                s.staleAnalyses = Int(clamping: o.stale_analyses)
            },
            StatusField("changeStream", "change_stream") { s, o, a in
                o.change_stream = a.string(s.changeStream)
            } decode: { o, s in
                s.changeStream = WireText.text(o.change_stream)
            },
        ] + llmFields + schedulingFields + replicaFields

    /// The Claude integration's report (`ServiceStatus.llm`), flattened into `llm_*` fields.
    static let llmFields: [StatusField] =
        [
            StatusField("llm.state", "llm_state") { s, o, a in
                o.llm_state = a.string(s.llm.state)
            } decode: { o, s in
                let state = WireText.text(o.llm_state)
                s.llm.state = state.isEmpty ? LLMStatusReport.notConfigured : state
            },
            StatusField("llm.model", "llm_model") { s, o, a in
                o.llm_model = a.string(s.llm.model)
            } decode: { o, s in
                s.llm.model = WireText.text(o.llm_model)
            },
            StatusField("llm.calls", "llm_calls") { s, o, _ in
                o.llm_calls = count(s.llm.calls)
            } decode: { o, s in
                s.llm.calls = Int(clamping: o.llm_calls)
            },
            StatusField("llm.failures", "llm_failures") { s, o, _ in
                o.llm_failures = count(s.llm.failures)
            } decode: {
                o,
                s in
                s.llm.failures = Int(clamping: o.llm_failures)
            },
            StatusField("llm.retries", "llm_retries") { s, o, _ in
                o.llm_retries = count(s.llm.retries)
            } decode: { o, s in
                s.llm.retries = Int(clamping: o.llm_retries)
            },
            StatusField("llm.localFallbacks", "llm_local_fallbacks") { s, o, _ in
                o.llm_local_fallbacks = count(s.llm.localFallbacks)
            } decode: { o, s in
                s.llm.localFallbacks = Int(clamping: o.llm_local_fallbacks)
            },
            StatusField("llm.tokensToday", "llm_tokens_today") { s, o, _ in
                o.llm_tokens_today = count(s.llm.tokensToday)
            } decode: { o, s in
                s.llm.tokensToday = Int(clamping: o.llm_tokens_today)
            },
            StatusField("llm.dailyTokenBudget", "llm_daily_token_budget") { s, o, _ in
                o.llm_daily_token_budget = count(s.llm.dailyTokenBudget)
            } decode: { o, s in
                s.llm.dailyTokenBudget = Int(clamping: o.llm_daily_token_budget)
            },
            StatusField("llm.tokensTotal", "llm_tokens_total") { s, o, _ in
                o.llm_tokens_total = count(s.llm.tokensTotal)
            } decode: { o, s in
                s.llm.tokensTotal = Int(clamping: o.llm_tokens_total)
            },
            StatusField("llm.lastError", "llm_last_error") { s, o, a in
                o.llm_last_error = a.string(s.llm.lastError)
            } decode: { o, s in
                s.llm.lastError = WireText.text(o.llm_last_error)
            },
        ] + backlogFields

    /// The concept backlog's part of the Claude report (fields 86-93).
    static let backlogFields: [StatusField] = [
        StatusField("llm.backlog", "llm_backlog") { s, o, _ in
            o.llm_backlog = count(s.llm.backlog)
        } decode: { o, s in
            s.llm.backlog = Int(clamping: o.llm_backlog)
        },
        StatusField("llm.backlogRatePerMinute", "llm_backlog_rate_per_minute") { s, o, _ in
            o.llm_backlog_rate_per_minute = s.llm.backlogRatePerMinute
        } decode: { o, s in
            s.llm.backlogRatePerMinute = o.llm_backlog_rate_per_minute
        },
        StatusField("llm.backlogClearsInSeconds", "llm_backlog_clears_in_seconds") { s, o, _ in
            o.llm_backlog_clears_in_seconds = s.llm.backlogClearsInSeconds
        } decode: { o, s in
            s.llm.backlogClearsInSeconds = o.llm_backlog_clears_in_seconds
        },
        StatusField("llm.conceptRequests", "llm_concept_requests") { s, o, _ in
            o.llm_concept_requests = count(s.llm.conceptRequests)
        } decode: { o, s in
            s.llm.conceptRequests = Int(clamping: o.llm_concept_requests)
        },
        StatusField("llm.messagesUpgraded", "llm_messages_upgraded") { s, o, _ in
            o.llm_messages_upgraded = count(s.llm.messagesUpgraded)
        } decode: { o, s in
            s.llm.messagesUpgraded = Int(clamping: o.llm_messages_upgraded)
        },
        StatusField("llm.tokensPerMessage", "llm_tokens_per_message") { s, o, _ in
            o.llm_tokens_per_message = s.llm.tokensPerMessage
        } decode: { o, s in
            s.llm.tokensPerMessage = o.llm_tokens_per_message
        },
        StatusField("llm.namesPending", "llm_names_pending") { s, o, _ in
            o.llm_names_pending = small(s.llm.namesPending)
        } decode: { o, s in
            s.llm.namesPending = Int(o.llm_names_pending)
        },
        StatusField("llm.batchAPI", "llm_batch_api") { s, o, a in
            o.llm_batch_api = a.string(s.llm.batchAPI)
        } decode: { o, s in
            s.llm.batchAPI = WireText.text(o.llm_batch_api)
        },
    ]

    /// The clustering settings and the automatic-run schedule.
    static let schedulingFields: [StatusField] = [
        StatusField("kRule", "k_rule") { s, o, a in
            o.k_rule = a.string(s.kRule)
        } decode: { o, s in
            s.kRule = WireText.text(o.k_rule)
        },
        StatusField("minClusterSize", "min_cluster_size") { s, o, _ in
            o.min_cluster_size = small(s.minClusterSize)
        } decode: { o, s in
            s.minClusterSize = Int(o.min_cluster_size)
        },
        StatusField("nextAutomaticRunAt", "next_automatic_run_at_ms") { s, o, _ in
            o.next_automatic_run_at_ms = WireText.milliseconds(s.nextAutomaticRunAt)
        } decode: { o, s in
            s.nextAutomaticRunAt = WireText.date(milliseconds: o.next_automatic_run_at_ms)
        },
        StatusField("schedulingReason", "scheduling_reason") { s, o, a in
            o.scheduling_reason = a.string(s.schedulingReason)
        } decode: { o, s in
            s.schedulingReason = WireText.text(o.scheduling_reason)
        },
        StatusField("quietHours", "quiet_hours") { s, o, a in
            o.quiet_hours = a.string(s.quietHours)
        } decode: {
            o,
            s in
            s.quietHours = WireText.text(o.quiet_hours)
        },
        StatusField("maxAutomaticRunsPerHour", "max_automatic_runs_per_hour") { s, o, _ in
            o.max_automatic_runs_per_hour = small(s.maxAutomaticRunsPerHour)
        } decode: { o, s in
            s.maxAutomaticRunsPerHour = Int(o.max_automatic_runs_per_hour)
        },
        StatusField("automaticRunsLastHour", "automatic_runs_last_hour") { s, o, _ in
            o.automatic_runs_last_hour = small(s.automaticRunsLastHour)
        } decode: { o, s in
            s.automaticRunsLastHour = Int(o.automatic_runs_last_hour)
        },
    ]

    /// This replica and the clustering lease (`ServiceStatus.replica`), in the `replica` message.
    static let replicaFields: [StatusField] = [
        StatusField("replica.id", "replica.id") { s, o, a in
            o.replica.pointee.id = a.string(s.replica.id)
        } decode: { o, s in
            o.replica.map { s.replica.id = WireText.text($0.pointee.id) }
        },
        StatusField("replica.leader", "replica.leader") { s, o, a in
            o.replica.pointee.leader = a.string(s.replica.leader)
        } decode: { o, s in
            o.replica.map { s.replica.leader = WireText.text($0.pointee.leader) }
        },
        StatusField("replica.isLeader", "replica.is_leader") { s, o, _ in
            o.replica.pointee.is_leader = flag(s.replica.isLeader)
        } decode: { o, s in
            o.replica.map { s.replica.isLeader = $0.pointee.is_leader != 0 }
        },
        StatusField("replica.fencingToken", "replica.fencing_token") { s, o, _ in
            o.replica.pointee.fencing_token = s.replica.fencingToken
        } decode: { o, s in
            o.replica.map { s.replica.fencingToken = $0.pointee.fencing_token }
        },
        StatusField("replica.leaseAgeSeconds", "replica.lease_age_seconds") { s, o, _ in
            o.replica.pointee.lease_age_seconds = s.replica.leaseAgeSeconds ?? -1
        } decode: { o, s in
            o.replica.map { replica in
                let age = replica.pointee.lease_age_seconds
                s.replica.leaseAgeSeconds = age < 0 ? nil : age
            }
        },
        StatusField("replica.liveClaims", "replica.live_claims") { s, o, _ in
            o.replica.pointee.live_claims = count(s.replica.liveClaims)
        } decode: { o, s in
            o.replica.map { s.replica.liveClaims = Int(clamping: $0.pointee.live_claims) }
        },
    ]

    /// A Status message for `status` (its `configuration` and `replica` always present, as the proto documents).
    static func message(_ status: ServiceStatus, arena: CArena) -> UnsafeMutablePointer<Clusterd__V1__Status> {
        let out = arena.message(clusterd__v1__status__init)
        out.pointee.configuration = arena.message(clusterd__v1__configuration__init)
        out.pointee.replica = arena.message(clusterd__v1__replica_status__init)
        for field in fields { field.encode(status, &out.pointee, arena) }
        return out
    }

    /// The status a Status message carries; the defaults when it is missing.
    static func status(_ message: UnsafeMutablePointer<Clusterd__V1__Status>?) -> ServiceStatus {
        var status = ServiceStatus()
        guard let source = message?.pointee else { return status }
        for field in fields { field.decode(source, &status) }
        return status
    }

    private static func flag(_ value: Bool) -> protobuf_c_boolean { value ? 1 : 0 }
    private static func count(_ value: Int) -> UInt64 { UInt64(max(0, value)) }
    private static func small(_ value: Int) -> UInt32 { UInt32(clamping: value) }
}
