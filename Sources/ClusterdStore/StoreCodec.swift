import ClusterdCore
import Foundation

/// Maps Core models to and from their stored BSON documents (field names as in DESIGN §4).
enum StoreCodec {
    // MARK: Messages

    /// A host message document.
    static func document(_ message: MessageRecord) -> BSONDocument {
        var document: BSONDocument = [
            "_id": BSONValue(message.id),
            "conversation_id": BSONValue(message.conversationID),
            "role": .string(message.role),
            "content": .string(message.content),
        ]
        if let createdAt = message.createdAt { document["created_at"] = .date(createdAt) }
        return document
    }

    /// A message read from the host's collection; nil without an id, a conversation or content.
    static func message(_ document: BSONDocument) -> MessageRecord? {
        guard let id = document["_id"]?.recordID,
            let conversationID = document["conversation_id"]?.recordID,
            let content = document["content"]?.stringValue
        else { return nil }
        return MessageRecord(
            id: id,
            conversationID: conversationID,
            role: document["role"]?.stringValue ?? "",
            content: content,
            createdAt: document["created_at"]?.dateValue
        )
    }

    // MARK: Analyses

    /// The `$set` part of an analysis upsert (everything but `_id` and `attempts`).
    static func analysisFields(_ analysis: MessageAnalysis) -> BSONDocument {
        [
            "conversation_id": BSONValue(analysis.conversationID),
            "concepts": .array(analysis.concepts.map { .string($0) }),
            "embedding": BSONValue(float32: analysis.embedding),
            "embedder": .string(analysis.embedder),
            "concept_source": .string(analysis.conceptSource),
            "topic": .string(analysis.topic),
            "language": .string(analysis.language),
            "analyzed_at": .date(analysis.analyzedAt),
            "prompt_version": .string(analysis.promptVersion),
            "last_error": .null,
            "failed": .bool(false),
        ]
    }

    /// An analysis document; nil when it has no embedding yet (only attempts or errors recorded).
    static func analysis(_ document: BSONDocument) -> MessageAnalysis? {
        guard let id = document["_id"]?.recordID,
            let conversationID = document["conversation_id"]?.recordID,
            let embedding = document["embedding"]?.float32Values,
            let analyzedAt = document["analyzed_at"]?.dateValue
        else { return nil }
        return MessageAnalysis(
            messageID: id,
            conversationID: conversationID,
            concepts: document["concepts"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            embedding: embedding,
            embedder: document["embedder"]?.stringValue ?? "",
            conceptSource: document["concept_source"]?.stringValue ?? "",
            analyzedAt: analyzedAt,
            topic: document["topic"]?.stringValue ?? "",
            language: document["language"]?.stringValue ?? "",
            promptVersion: document["prompt_version"]?.stringValue ?? ""
        )
    }

    /// The decision-relevant fields of an analysis document (no embedding needed; attempts and claims live in the
    /// claims collection).
    static func analysisState(_ document: BSONDocument) -> AnalysisState {
        AnalysisState(
            analyzedAt: document["analyzed_at"]?.dateValue,
            embedder: document["embedder"]?.stringValue,
            promptVersion: document["prompt_version"]?.stringValue,
            failed: document["failed"] == .bool(true)
        )
    }

    // MARK: Runs

    /// A run document, `_id` included.
    static func document(_ run: ClusteringRun) -> BSONDocument {
        var document: BSONDocument = ["_id": BSONValue(run.id)]
        for (key, value) in runFields(run).elements { document.append(key, value) }
        return document
    }

    /// Every field of a run but `_id` (what finishing a run sets).
    static func runFields(_ run: ClusteringRun) -> BSONDocument {
        let inputs: BSONDocument = [
            "seed": .int64(Int64(bitPattern: run.inputs.seed)),
            "embedder": .string(run.inputs.embedder),
            "k_rule": .string(run.inputs.kRule),
            "message_threshold": BSONValue(run.inputs.messageThreshold),
            "time_threshold_minutes": BSONValue(run.inputs.timeThresholdMinutes),
            "snapshot_analyzed_before": .date(run.inputs.snapshotAnalyzedBefore),
            "prompt_version": .string(run.inputs.promptVersion),
        ]
        var metrics = BSONValue.null
        if let runMetrics = run.metrics {
            metrics = .document([
                "silhouette": runMetrics.silhouette.map { .double($0) } ?? .null,
                "inertia": .double(runMetrics.inertia),
                "sizes": .array(runMetrics.sizes.map { BSONValue($0) }),
                "k": BSONValue(runMetrics.k),
                "churn": runMetrics.churn.map { .double($0) } ?? .null,
                "adjusted_rand_index": runMetrics.adjustedRandIndex.map { .double($0) } ?? .null,
                "compared_conversations": BSONValue(runMetrics.comparedConversations),
                "level_sizes": .array(runMetrics.levelSizes.map { BSONValue($0) }),
            ])
        }
        return [
            "created_at": .date(run.createdAt),
            "finished_at": run.finishedAt.map { .date($0) } ?? .null,
            "status": .string(run.status.rawValue),
            "trigger_reason": .string(run.triggerReason),
            "total_conversations": BSONValue(run.totalConversations),
            "total_messages": BSONValue(run.totalMessages),
            "clusters_created": BSONValue(run.clustersCreated),
            "duration_ms": BSONValue(run.durationMs),
            "error": BSONValue(run.error),
            "inputs": .document(inputs),
            "metrics": metrics,
            "lineage": .array(run.lineage.map { .document(document($0)) }),
            "owner": .string(run.owner),
            "fencing_token": .int64(run.fencingToken),
        ]
    }

    /// A lineage event (inside a run document).
    static func document(_ event: LineageEvent) -> BSONDocument {
        [
            "kind": .string(event.kind.rawValue),
            "stable_ids": .array(event.stableIDs.map { .string($0) }),
            "previous_stable_ids": .array(event.previousStableIDs.map { .string($0) }),
            "renamed": .bool(event.renamed),
            "overlap": event.overlap.map { .double($0) } ?? .null,
        ]
    }

    /// A lineage event read back; nil when its kind is unknown.
    static func lineageEvent(_ document: BSONDocument) -> LineageEvent? {
        guard let kind = document["kind"]?.stringValue.flatMap(LineageKind.init(rawValue:)) else { return nil }
        return LineageEvent(
            kind: kind,
            stableIDs: document["stable_ids"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            previousStableIDs: document["previous_stable_ids"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            renamed: document["renamed"]?.boolValue ?? false,
            overlap: document["overlap"]?.doubleValue
        )
    }

    /// A run read back; nil when required fields are missing or the status is unknown.
    static func run(_ document: BSONDocument) -> ClusteringRun? {
        guard let id = document["_id"]?.recordID,
            let createdAt = document["created_at"]?.dateValue,
            let status = document["status"]?.stringValue.flatMap(RunStatus.init(rawValue:))
        else { return nil }
        let inputsDocument = document["inputs"]?.documentValue ?? [:]
        let inputs = RunInputs(
            seed: UInt64(bitPattern: inputsDocument["seed"]?.int64Value ?? 0),
            embedder: inputsDocument["embedder"]?.stringValue ?? "",
            kRule: inputsDocument["k_rule"]?.stringValue ?? "",
            messageThreshold: inputsDocument["message_threshold"]?.intValue ?? 0,
            timeThresholdMinutes: inputsDocument["time_threshold_minutes"]?.intValue ?? 0,
            snapshotAnalyzedBefore: inputsDocument["snapshot_analyzed_before"]?.dateValue ?? createdAt,
            promptVersion: inputsDocument["prompt_version"]?.stringValue ?? ""
        )
        var metrics: RunMetrics?
        if let metricsDocument = document["metrics"]?.documentValue {
            metrics = RunMetrics(
                silhouette: metricsDocument["silhouette"]?.doubleValue,
                inertia: metricsDocument["inertia"]?.doubleValue ?? 0,
                sizes: metricsDocument["sizes"]?.arrayValue?.compactMap(\.intValue) ?? [],
                k: metricsDocument["k"]?.intValue ?? 0,
                churn: metricsDocument["churn"]?.doubleValue,
                adjustedRandIndex: metricsDocument["adjusted_rand_index"]?.doubleValue,
                comparedConversations: metricsDocument["compared_conversations"]?.intValue ?? 0,
                levelSizes: metricsDocument["level_sizes"]?.arrayValue?.compactMap(\.intValue) ?? []
            )
        }
        var run = ClusteringRun(
            id: id,
            createdAt: createdAt,
            finishedAt: document["finished_at"]?.dateValue,
            status: status,
            triggerReason: document["trigger_reason"]?.stringValue ?? "",
            totalConversations: document["total_conversations"]?.intValue ?? 0,
            totalMessages: document["total_messages"]?.intValue ?? 0,
            clustersCreated: document["clusters_created"]?.intValue ?? 0,
            durationMs: document["duration_ms"]?.intValue ?? 0,
            error: document["error"]?.stringValue,
            inputs: inputs,
            metrics: metrics,
            lineage: document["lineage"]?.arrayValue?.compactMap { $0.documentValue.flatMap(lineageEvent) } ?? []
        )
        run.owner = document["owner"]?.stringValue ?? ""
        run.fencingToken = document["fencing_token"]?.int64Value ?? 0
        return run
    }

    // MARK: Clusters

    /// A cluster document (the server adds `_id`).
    static func document(_ cluster: Cluster) -> BSONDocument {
        [
            "run_id": BSONValue(cluster.runID),
            "stable_id": .string(cluster.stableID),
            "name": .string(cluster.name),
            "description": .string(cluster.description),
            "size": BSONValue(cluster.size),
            "top_concepts": .array(cluster.topConcepts.map { .string($0) }),
            "representative_conversation_ids": .array(cluster.representativeConversationIDs.map { BSONValue($0) }),
            "centroid": BSONValue(float32: cluster.centroid),
            "name_source": .string(cluster.nameSource),
            "level": BSONValue(cluster.level),
            "parent": cluster.parent.map { .string($0) } ?? .null,
            "lineage": .document([
                "kind": .string(cluster.lineage.kind.rawValue),
                "previous_stable_ids": .array(cluster.lineage.previousStableIDs.map { .string($0) }),
                "renamed": .bool(cluster.lineage.renamed),
            ]),
        ]
    }

    /// A cluster read back; nil without a run or stable id.
    static func cluster(_ document: BSONDocument) -> Cluster? {
        guard let runID = document["run_id"]?.recordID, let stableID = document["stable_id"]?.stringValue else {
            return nil
        }
        return Cluster(
            runID: runID,
            stableID: stableID,
            name: document["name"]?.stringValue ?? "",
            description: document["description"]?.stringValue ?? "",
            size: document["size"]?.intValue ?? 0,
            topConcepts: document["top_concepts"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            representativeConversationIDs: document["representative_conversation_ids"]?.arrayValue?
                .compactMap(\.recordID) ?? [],
            centroid: document["centroid"]?.float32Values ?? [],
            nameSource: document["name_source"]?.stringValue ?? Cluster.localNameSource,
            lineage: document["lineage"]?.documentValue.map(clusterLineage) ?? .born,
            level: document["level"]?.intValue ?? 0,
            parent: document["parent"]?.stringValue
        )
    }

    /// A cluster's lineage read back (an unknown kind reads as born).
    static func clusterLineage(_ document: BSONDocument) -> ClusterLineage {
        ClusterLineage(
            kind: document["kind"]?.stringValue.flatMap(LineageKind.init(rawValue:)) ?? .born,
            previousStableIDs: document["previous_stable_ids"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            renamed: document["renamed"]?.boolValue ?? false
        )
    }

    /// An assignment document (the server adds `_id`).
    static func document(_ assignment: ClusterAssignment) -> BSONDocument {
        [
            "conversation_id": BSONValue(assignment.conversationID),
            "run_id": BSONValue(assignment.runID),
            "stable_id": .string(assignment.stableID),
            "distance": .double(assignment.distance),
        ]
    }

    /// An assignment read back; nil without its ids.
    static func assignment(_ document: BSONDocument) -> ClusterAssignment? {
        guard let conversationID = document["conversation_id"]?.recordID,
            let runID = document["run_id"]?.recordID,
            let stableID = document["stable_id"]?.stringValue
        else { return nil }
        return ClusterAssignment(
            conversationID: conversationID,
            runID: runID,
            stableID: stableID,
            distance: document["distance"]?.doubleValue ?? 0
        )
    }

    /// A provisional placement's fields (the `_id` is the conversation id, set by the caller's filter).
    static func document(_ placement: ProvisionalAssignment) -> BSONDocument {
        [
            "run_id": BSONValue(placement.runID),
            "stable_id": .string(placement.stableID),
            "distance": .double(placement.distance),
            "assigned_at": .date(placement.assignedAt),
            "embedder": .string(placement.embedder),
            "vector_sum": BSONValue(float32: placement.vectorSum),
            "message_ids": .array(placement.messageIDs.map { BSONValue($0) }),
            "revision": BSONValue(placement.revision),
        ]
    }

    /// A provisional placement read back; nil without its ids.
    static func provisionalAssignment(_ document: BSONDocument) -> ProvisionalAssignment? {
        guard let conversationID = document["_id"]?.recordID,
            let runID = document["run_id"]?.recordID,
            let stableID = document["stable_id"]?.stringValue,
            let assignedAt = document["assigned_at"]?.dateValue
        else { return nil }
        return ProvisionalAssignment(
            conversationID: conversationID,
            runID: runID,
            stableID: stableID,
            distance: document["distance"]?.doubleValue ?? 0,
            assignedAt: assignedAt,
            embedder: document["embedder"]?.stringValue ?? "",
            vectorSum: document["vector_sum"]?.float32Values ?? [],
            messageIDs: document["message_ids"]?.arrayValue?.compactMap(\.recordID) ?? [],
            revision: document["revision"]?.intValue ?? 1
        )
    }

    /// A lease read back; nil without its owner, token or expiry.
    static func lease(_ document: BSONDocument) -> Lease? {
        guard let owner = document["owner"]?.stringValue,
            let token = document["token"]?.int64Value,
            let expiresAt = document["expires_at"]?.dateValue
        else { return nil }
        return Lease(
            owner: owner,
            incarnation: document["incarnation"]?.stringValue ?? "",
            token: token,
            expiresAt: expiresAt,
            acquiredAt: document["acquired_at"]?.dateValue ?? expiresAt
        )
    }
}
