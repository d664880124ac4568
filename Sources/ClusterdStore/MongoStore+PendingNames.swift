import ClusterdCore
import Foundation

extension MongoStore {
    /// The `clusterd_state` document holding the clusters still waiting for a Claude name.
    static let pendingNamesMarker = "pending_names"

    /// The clusters of a run still waiting for a Claude name, as the run asked for them (one `_id` read); nil when
    /// none wait. What a replica that starts, or takes over clustering, asks Claude for without a new run.
    public func pendingNames() throws -> (runID: RecordID, requests: [ClusterNamingRequest])? {
        guard let marker = try progressMarker(Self.pendingNamesMarker), let runID = marker["run_id"]?.recordID
        else { return nil }
        let requests = (marker["requests"]?.arrayValue ?? []).compactMap { entry -> ClusterNamingRequest? in
            guard let document = entry.documentValue, let stableID = document["stable_id"]?.stringValue else {
                return nil
            }
            func strings(_ value: BSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
            func lists(_ value: BSONValue?) -> [[String]] { value?.arrayValue?.map(strings) ?? [] }
            return ClusterNamingRequest(
                stableID: stableID,
                size: document["size"]?.intValue ?? 0,
                topConcepts: strings(document["top_concepts"]),
                sampledMemberConcepts: lists(document["sampled_concepts"]),
                contrastConcepts: lists(document["contrast_concepts"]),
                localName: document["local_name"]?.stringValue ?? ""
            )
        }
        return requests.isEmpty ? nil : (runID, requests)
    }

    /// Replaces the clusters waiting for a Claude name with `requests` of run `runID` (none: nothing waits); one
    /// upsert.
    public func savePendingNames(runID: RecordID?, requests: [ClusterNamingRequest], now: Date) throws {
        func strings(_ values: [String]) -> BSONValue { .array(values.map { .string($0) }) }
        let entries = requests.map { request -> BSONValue in
            .document([
                "stable_id": .string(request.stableID), "size": .int64(Int64(request.size)),
                "top_concepts": strings(request.topConcepts),
                "sampled_concepts": .array(request.sampledMemberConcepts.map(strings)),
                "contrast_concepts": .array(request.contrastConcepts.map(strings)),
                "local_name": .string(request.localName),
            ])
        }
        let run: BSONValue = runID.map { BSONValue($0) } ?? .null
        try saveProgressMarker(
            Self.pendingNamesMarker,
            fields: ["run_id": requests.isEmpty ? .null : run, "requests": .array(entries)],
            now: now
        )
    }
}
