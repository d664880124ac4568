/// Applies hand curation to a run's clusters, pure: merges map absorbed stable ids onto their survivors and
/// combine their clusters; kept names replace the run's names.
///
/// Merges (`apply(merges:…)`) run right after stable ids are matched, before the run's sampled remainder is
/// assigned, so every conversation of an absorbed topic is reported under the surviving id:
/// - a cluster whose id was merged (directly or through a chain of merges) takes the survivor's id; when the
///   survivor is in the run at the same level, the two clusters become one (sizes added, centroid the size-weighted
///   mean, the survivor's name, description and parent, concepts and representatives the survivor's first); when
///   the survivor is not in the run, the absorbed cluster simply carries the survivor's id; when the survivor is at
///   another level, the merge is left out for this run;
/// - assignments and children's parent links follow; parents' sizes are recomputed from their children, and a
///   parent left with no child is dropped;
/// - lineage: each id keeps one born or continued event (the survivor's own), and a `merged` event lists the
///   previous ids of the combined clusters.
///
/// Names (`applyNames`) run after the run's local naming and before Claude's: a topic with a kept name gets it
/// (source `curated`), and the caller leaves those ids out of Claude naming.
public struct CurationApplier: Sendable {
    /// `name_source` of a name kept by hand curation.
    public static let nameSource = Cluster.pinnedNameSource

    /// Curated topics by stable id.
    public let topics: [String: TopicCuration]

    /// An applier of these topics' curation.
    public init(_ topics: [TopicCuration]) {
        self.topics = Dictionary(topics.map { ($0.stableID, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// No curation at all.
    public static let none = CurationApplier([])

    /// The id `stableID` is reported under: itself, or the end of its chain of merges (a cycle, which curation
    /// refuses to create, ends where it would repeat).
    public func survivor(of stableID: String) -> String {
        var current = stableID
        var seen: Set<String> = [stableID]
        while let next = topics[current]?.mergedInto, !seen.contains(next) {
            seen.insert(next)
            current = next
        }
        return current
    }

    /// True when some topic is merged into another.
    public var hasMerges: Bool { topics.values.contains { $0.mergedInto != nil } }

    /// Stand-ins for merged topics that `previous` (a run's clusters) no longer has, at their last-seen centroids:
    /// added to the previous run's clusters before stable ids are matched, so the conversations of a merged topic
    /// keep being recognised as it (and then mapped to the survivor) rather than being born under a new id once the
    /// run that combined them is the previous one.
    public func standIns(for previous: [Cluster], runID: RecordID) -> [Cluster] {
        let present = Set(previous.map(\.stableID))
        return topics.values.sorted { $0.stableID < $1.stableID }.compactMap { topic in
            guard topic.mergedInto != nil, !topic.absorbedCentroid.isEmpty, !present.contains(topic.stableID) else {
                return nil
            }
            return Cluster(
                runID: runID,
                stableID: topic.stableID,
                name: "Merged topic",
                description: "Conversations of a topic merged by hand into \(topic.mergedInto ?? "another").",
                size: 0,
                topConcepts: [],
                representativeConversationIDs: [],
                centroid: topic.absorbedCentroid,
                level: topic.absorbedLevel
            )
        }
    }

    /// Applies the merges (see the type's notes); returns the absorbed ids of the run, mapped to their survivors.
    @discardableResult
    public func apply(
        merges clusters: inout [Cluster],
        assignments: inout [ClusterAssignment],
        lineage: inout [LineageEvent]
    ) -> [String: String] {
        let renames = renamesPresent(in: clusters)
        guard !renames.isEmpty else { return [:] }
        clusters = Self.combined(clusters, renames: renames)
        for index in assignments.indices {
            if let survivor = renames[assignments[index].stableID] { assignments[index].stableID = survivor }
        }
        lineage = Self.mergedLineage(lineage, renames: renames)
        return renames
    }

    /// Gives every cluster with a kept name that name (and the kept description, if any), source `curated`;
    /// returns the ids so named.
    @discardableResult
    public func applyNames(_ clusters: inout [Cluster]) -> Set<String> {
        var named: Set<String> = []
        for index in clusters.indices {
            guard let topic = topics[clusters[index].stableID], let name = topic.name else {
                // A curated name carried over from the previous run whose curation ended (unpinned): an ordinary
                // name again, which Claude may replace.
                if clusters[index].nameSource == Self.nameSource {
                    clusters[index].nameSource = Cluster.localNameSource
                }
                continue
            }
            clusters[index].name = name
            if let description = topic.description { clusters[index].description = description }
            clusters[index].nameSource = Self.nameSource
            named.insert(clusters[index].stableID)
        }
        return named
    }

    /// Absorbed ids of the run whose survivor is in the run at the same level, or not in it at all.
    private func renamesPresent(in clusters: [Cluster]) -> [String: String] {
        var levels: [String: Int] = [:]
        for cluster in clusters { levels[cluster.stableID] = cluster.level }
        var renames: [String: String] = [:]
        for cluster in clusters {
            let survivor = survivor(of: cluster.stableID)
            guard survivor != cluster.stableID, levels[survivor].map({ $0 == cluster.level }) ?? true else { continue }
            renames[cluster.stableID] = survivor
        }
        return renames
    }

    /// The clusters with absorbed ids renamed and combined into their survivors, parents re-sized.
    private static func combined(_ clusters: [Cluster], renames: [String: String]) -> [Cluster] {
        var order: [String] = []
        var byID: [String: Cluster] = [:]
        for var cluster in clusters {
            let original = cluster.stableID
            cluster.stableID = renames[original] ?? original
            cluster.parent = cluster.parent.map { renames[$0] ?? $0 }
            guard let existing = byID[cluster.stableID] else {
                order.append(cluster.stableID)
                byID[cluster.stableID] = cluster
                continue
            }
            // The survivor's own cluster leads, whichever came first.
            byID[cluster.stableID] =
                renames[original] == nil ? combine(cluster, existing) : combine(existing, cluster)
        }
        var result = order.compactMap { byID[$0] }
        resizeParents(&result)
        return result
    }

    /// `lead` with `other`'s conversations added.
    private static func combine(_ lead: Cluster, _ other: Cluster) -> Cluster {
        var cluster = lead
        cluster.size = lead.size + other.size
        if lead.centroid.count == other.centroid.count, cluster.size > 0 {
            let leadWeight = Float(lead.size)
            let otherWeight = Float(other.size)
            var centroid = zip(lead.centroid, other.centroid).map { $0 * leadWeight + $1 * otherWeight }
            _ = VectorMath.normalize(&centroid)
            cluster.centroid = centroid
        }
        let conceptCount = max(lead.topConcepts.count, other.topConcepts.count)
        cluster.topConcepts = Array(
            (lead.topConcepts + other.topConcepts.filter { !lead.topConcepts.contains($0) }).prefix(conceptCount)
        )
        let representativeCount = max(
            lead.representativeConversationIDs.count,
            other.representativeConversationIDs.count
        )
        cluster.representativeConversationIDs = Array(
            (lead.representativeConversationIDs + other.representativeConversationIDs).prefix(representativeCount)
        )
        var previous = lead.lineage.previousStableIDs
        for id in other.lineage.previousStableIDs where !previous.contains(id) { previous.append(id) }
        cluster.lineage.previousStableIDs = previous
        if previous.count > 1 { cluster.lineage.kind = .merged }
        return cluster
    }

    /// Sets each parent's size to its children's (the "Other" buckets' only when it has no other child), level by
    /// level upwards, and drops parents left with no child.
    private static func resizeParents(_ clusters: inout [Cluster]) {
        let top = clusters.map(\.level).max() ?? 0
        guard top > 0 else { return }
        for level in 1...top {
            var named: [String: Int] = [:]
            var all: [String: Int] = [:]
            for child in clusters where child.level == level - 1 {
                guard let parent = child.parent else { continue }
                all[parent, default: 0] += child.size
                if !isOther(child.stableID) { named[parent, default: 0] += child.size }
            }
            clusters.removeAll { $0.level == level && all[$0.stableID] == nil }
            for index in clusters.indices where clusters[index].level == level {
                let id = clusters[index].stableID
                clusters[index].size = named[id] ?? all[id] ?? 0
            }
        }
    }

    /// The lineage with absorbed ids renamed: one born or continued event per id (the survivor's own kept), and a
    /// `merged` event listing the previous ids of the combined clusters.
    private static func mergedLineage(_ lineage: [LineageEvent], renames: [String: String]) -> [LineageEvent] {
        var result: [LineageEvent] = []
        var identity: [String: Int] = [:]
        var mergedPrevious: [String: [String]] = [:]
        for var event in lineage {
            let originals = event.stableIDs
            var mapped: [String] = []
            for id in originals.map({ renames[$0] ?? $0 }) where !mapped.contains(id) { mapped.append(id) }
            event.stableIDs = mapped
            guard event.kind == .born || event.kind == .continued, let id = mapped.first else {
                result.append(event)
                continue
            }
            let previous = mergedPrevious[id, default: []]
            mergedPrevious[id] = previous + event.previousStableIDs.filter { !previous.contains($0) }
            let isSurvivorsOwn = renames[originals.first ?? id] == nil
            if let index = identity[id] {
                if isSurvivorsOwn { result[index] = event }
            } else {
                identity[id] = result.count
                result.append(event)
            }
        }
        for (id, previous) in mergedPrevious.sorted(by: { $0.key < $1.key })
        where renames.values.contains(id) && !previous.isEmpty {
            result.append(LineageEvent(kind: .merged, stableIDs: [id], previousStableIDs: previous))
        }
        return result
    }

    /// True for an "Other" bucket's id ("other", or "other/<parent>").
    private static func isOther(_ stableID: String) -> Bool {
        stableID == "other" || stableID.hasPrefix("other/")
    }
}
