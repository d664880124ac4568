import ClusterdCore
import ClusterdEmbedding

/// The topic hierarchy above the base clusters.
///
/// Level sizes are geometric: with B base clusters (the "Other" buckets excluded) and B > `HierarchyShape.topMax`,
/// there are L = ⌈log(B / top) / log 8⌉ parent levels (at least one), level l having round(B / r^l) clusters with
/// r = (B / top)^(1/L) and top = `HierarchyShape.top` (12) clusters at the top level; B ≤ 20 gives no parents. Each
/// level is seeded k-means (unit centroids) on the centroids of the level below (warm-started from the previous run's
/// clusters at that level, largest first); a parent's members are its children's conversations and its centroid
/// their normalised mean. Stable ids, names kept or re-made from the members' concepts, and lineage come from the
/// same matching as the base level, against the previous run's clusters at that level and the previous
/// conversations' stable ids at that level (climbed from their base clusters by parent links).
extension ClusteringEngine {
    /// One parent level: its clusters and lineage events.
    struct Level {
        var groups: [Group]
        var events: [LineageEvent]
    }

    /// Builds the parent levels above `base` (setting each base group's parent), bottom first.
    func buildHierarchy(
        base: inout [Group],
        vectors: [[Float]],
        conversations: [ConversationInput],
        previous: PreviousClustering
    ) -> [Level] {
        let sizes = HierarchyShape.levelSizes(baseCount: base.count)
        guard !sizes.isEmpty else { return [] }
        let parentOf = Dictionary(
            previous.clusters.map { ($0.stableID, $0.parent) },
            uniquingKeysWith: { first, _ in first }
        )
        var memberships = previous.assignments
        let namer = ClusterNamer(minClusterSize: 1, topConceptCount: configuration.topConceptCount)
        var levels: [Level] = []
        var children = base
        var reserved = Set(base.map(\.stableID))
        for (offset, size) in sizes.enumerated() {
            let level = offset + 1
            var climbed: [RecordID: String] = [:]
            for (conversation, stableID) in memberships {
                if let parent = parentOf[stableID] ?? nil { climbed[conversation] = parent }
            }
            memberships = climbed
            let previousLevel = previous.clusters.filter { $0.level == level && !Self.isOther($0.stableID) }
                .sorted { $0.stableID < $1.stableID }
            let warmStart = previousLevel.sorted { lhs, rhs in
                lhs.size != rhs.size ? lhs.size > rhs.size : lhs.stableID < rhs.stableID
            }
            .map(\.centroid)
            let fit = kMeans(size).fit(children.map(\.centroid), warmStart: warmStart)
            var memberLists = [[Int]](repeating: [], count: fit.centroids.count)
            for (child, parent) in fit.assignments.enumerated() { memberLists[parent] += children[child].members }
            let used = memberLists.indices.filter { !memberLists[$0].isEmpty }
            let labels = namer.labels(
                for: used.map { memberLists[$0].map { conversations[$0].distinctConcepts } }
            )
            var groups = used.enumerated().map { position, parent in
                let members = memberLists[parent].sorted()
                return Group(members: members, centroid: Self.mean(members, vectors), label: labels[position])
            }
            groups.sort { lhs, rhs in
                if lhs.members.count != rhs.members.count { return lhs.members.count > rhs.members.count }
                return lhs.members[0] < rhs.members[0]
            }
            let events = assignStableIDs(
                &groups,
                previous: previousLevel,
                memberships: memberships,
                conversations: conversations,
                reserved: reserved
            )
            reserved.formUnion(groups.map(\.stableID))
            var stableIDOfPoint: [Int: String] = [:]
            for group in groups {
                for member in group.members { stableIDOfPoint[member] = group.stableID }
            }
            for index in children.indices {
                children[index].parent = children[index].members.first.flatMap { stableIDOfPoint[$0] }
            }
            if offset == 0 {
                base = children
            } else {
                levels[offset - 1].groups = children
            }
            levels.append(Level(groups: groups, events: events))
            children = groups
        }
        return levels
    }

    /// The "Other" buckets: one per level-1 parent (each member goes to the parent with the nearest centroid), or
    /// a single "other" without parents; empty without members.
    func otherGroups(
        _ members: [Int],
        vectors: [[Float]],
        parents: [Group],
        previous: PreviousClustering
    ) -> [Group] {
        guard !members.isEmpty else { return [] }
        var buckets: [Int: [Int]] = [:]
        for member in members.sorted() {
            let nearest =
                parents.indices.max { lhs, rhs in
                    let left = VectorMath.dot(vectors[member], parents[lhs].centroid)
                    let right = VectorMath.dot(vectors[member], parents[rhs].centroid)
                    return left != right ? left < right : lhs > rhs
                } ?? -1
            buckets[nearest, default: []].append(member)
        }
        let previousIDs = Set(previous.clusters.map(\.stableID))
        return buckets.keys.sorted().map { key in
            let bucket = buckets[key]!
            var group = Group(members: bucket, centroid: Self.mean(bucket, vectors), label: .other)
            group.parent = key >= 0 ? parents[key].stableID : nil
            group.stableID = group.parent.map { Self.otherStableID + "/" + $0 } ?? Self.otherStableID
            group.lineage =
                previousIDs.contains(group.stableID)
                ? ClusterLineage(kind: .continued, previousStableIDs: [group.stableID]) : .born
            return group
        }
    }

    /// A parent level's cluster: representatives are its members closest to its centroid.
    func parentCluster(
        _ group: Group,
        level: Int,
        runID: RecordID,
        vectors: [[Float]],
        conversations: [ConversationInput]
    ) -> Cluster {
        let representatives = representatives(Self.distances(group, vectors), conversations: conversations)
        return Self.cluster(of: group, level: level, runID: runID, representatives: representatives)
    }

    /// The cluster `group` publishes at `level` of run `runID`, with `representatives`.
    static func cluster(of group: Group, level: Int, runID: RecordID, representatives: [RecordID]) -> Cluster {
        Cluster(
            runID: runID,
            stableID: group.stableID,
            name: group.label.name,
            description: group.label.description,
            size: group.members.count,
            topConcepts: group.label.topConcepts,
            representativeConversationIDs: representatives,
            centroid: group.centroid,
            lineage: group.lineage,
            level: level,
            parent: group.parent
        )
    }

    /// Each member of `group` with its cosine distance to the group's centroid.
    static func distances(_ group: Group, _ vectors: [[Float]]) -> [(point: Int, distance: Double)] {
        group.members.map { point in
            let similarity = Double(VectorMath.dot(vectors[point], group.centroid))
            return (point: point, distance: 1 - similarity)
        }
    }

    /// The `representativeCount` members closest to the centroid (ties by point index).
    func representatives(_ distances: [(point: Int, distance: Double)], conversations: [ConversationInput])
        -> [RecordID]
    {
        let closest = distances.sorted { lhs, rhs in
            lhs.distance != rhs.distance ? lhs.distance < rhs.distance : lhs.point < rhs.point
        }
        return closest.prefix(max(0, configuration.representativeCount)).map { conversations[$0.point].id }
    }

    /// The normalised mean of `points`' vectors.
    static func mean(_ points: [Int], _ vectors: [[Float]]) -> [Float] {
        let dimension = vectors.first?.count ?? 0
        var centroid = [Float](repeating: 0, count: dimension)
        for point in points {
            for index in 0..<dimension { centroid[index] += vectors[point][index] }
        }
        VectorMath.normalize(&centroid)
        return centroid
    }
}
