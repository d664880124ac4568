import Foundation

extension ServiceStatus {
    /// The seed's status document (same keys and meaning) plus an `operator` section, as a JSON object.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "enabled": enabled,
            "clustering_in_progress": clusteringInProgress,
            "unprocessed_messages": unprocessedMessages,
            "minutes_since_last_clustering": minutesSinceLastClustering.map { $0 as Any } ?? NSNull(),
            "should_trigger_clustering": shouldTriggerClustering,
            "trigger_reason": triggerReason,
            "configuration": [
                "message_threshold": messageThreshold,
                "time_threshold_minutes": timeThresholdMinutes,
            ],
            "latest_clustering_run": latestClusteringRun.map { Self.runObject($0) } ?? NSNull(),
        ]
        object["operator"] =
            [
                "queue_depth": queueDepth,
                "queue_capacity": queueCapacity,
                "in_flight_analyses": inFlightAnalyses,
                "analysis_workers": analysisWorkers,
                "analyzed_total": analyzedTotal,
                "failed_total": failedTotal,
                "last_error": lastError,
                "clustering_stage": clusteringStage,
                "clustering_progress": clusteringProgress,
                "follow_up_queued": followUpQueued,
                "degraded": degraded,
                "uptime_seconds": uptimeSeconds,
                "version": version,
                "embedder": embedder,
                "embedder_detail": embedderDetail,
                "triggers_total": triggersTotal,
                "triggers_refused": triggersRefused,
                "swept_total": sweptTotal,
                "stale_analyses": staleAnalyses,
                "change_stream": changeStream,
                "k_rule": kRule,
                "min_cluster_size": minClusterSize,
                "last_run": lastRun.map { Self.runObject($0) } ?? NSNull(),
                "scheduling": [
                    "next_automatic_run_at": nextAutomaticRunAt.map { Self.isoText($0) as Any } ?? NSNull(),
                    "reason": schedulingReason,
                    "quiet_hours": quietHours.isEmpty ? NSNull() : quietHours as Any,
                    "max_automatic_runs_per_hour": maxAutomaticRunsPerHour == 0
                        ? NSNull() : maxAutomaticRunsPerHour as Any,
                    "automatic_runs_last_hour": automaticRunsLastHour,
                ] as [String: Any],
                "llm": [
                    "state": llm.state,
                    "model": llm.model,
                    "calls": llm.calls,
                    "failures": llm.failures,
                    "retries": llm.retries,
                    "local_fallbacks": llm.localFallbacks,
                    "tokens_today": llm.tokensToday,
                    "daily_token_budget": llm.dailyTokenBudget,
                    "tokens_total": llm.tokensTotal,
                    "last_error": llm.lastError,
                    "backlog": llm.backlog,
                    "backlog_rate_per_minute": llm.backlogRatePerMinute,
                    "backlog_clears_in_seconds": llm.backlogClearsInSeconds,
                    "concept_requests": llm.conceptRequests,
                    "messages_upgraded": llm.messagesUpgraded,
                    "tokens_per_message": llm.tokensPerMessage,
                    "names_pending": llm.namesPending,
                    "batch_api": llm.batchAPI,
                ] as [String: Any],
                "replica": [
                    "id": replica.id,
                    "leader": replica.leader,
                    "is_leader": replica.isLeader,
                    "fencing_token": replica.fencingToken,
                    "lease_age_seconds": replica.leaseAgeSeconds.map { $0 as Any } ?? NSNull(),
                    "live_claims": replica.liveClaims,
                ] as [String: Any],
            ] as [String: Any]
        return object
    }

    /// The status as pretty, key-sorted JSON text.
    public func jsonString() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: jsonObject, options: [.prettyPrinted, .sortedKeys]))
        return data.flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// A run in the seed's shape (`created_at` as ISO 8601 UTC) with the extra run fields: its quality `metrics`
    /// (null unless it succeeded) and `lineage_counts` by kind.
    public static func runObject(_ run: RunSummary) -> [String: Any] {
        [
            "metrics": run.metrics.map { $0.jsonObject as Any } ?? NSNull(),
            "lineage_counts": run.lineageCountsObject,
            "id": run.id,
            "status": run.status,
            "created_at": isoText(run.createdAt),
            "finished_at": run.finishedAt.map { isoText($0) as Any } ?? NSNull(),
            "trigger_reason": run.triggerReason,
            "total_conversations": run.totalConversations,
            "total_messages": run.totalMessages,
            "clusters_created": run.clustersCreated,
            "duration_ms": run.durationMs,
            "error": run.error.isEmpty ? NSNull() : run.error as Any,
        ]
    }

    /// `2025-01-10T21:30:00Z`, as the seed writes run times.
    public static func isoText(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
