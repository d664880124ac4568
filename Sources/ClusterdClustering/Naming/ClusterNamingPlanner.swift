import ClusterdCore

/// Decides which clusters a ``ClusterNameProvider`` names and what it is shown of each: a seeded sample of member
/// conversations' concepts, and the top concepts of the nearest other clusters so the name can say what sets this
/// one apart (the contrastive naming of Anthropic's Clio).
///
/// Privacy: the "Other" bucket and clusters below `minClusterSize` are never offered for naming, whatever the
/// caller asks, and a request carries concepts only — no conversation text, no ids.
public struct ClusterNamingPlanner: Sendable {
    /// Clusters smaller than this are never named from their members.
    public var minClusterSize: Int
    /// Member conversations sampled per cluster.
    public var sampleSize: Int
    /// Concepts shown per sampled member.
    public var conceptsPerMember: Int
    /// Nearest other clusters shown for contrast.
    public var contrastCount: Int
    /// Seed of the member sample (with the stable id), so the same run asks the same question.
    public var seed: UInt64

    /// Creates a planner.
    public init(
        minClusterSize: Int = 1,
        sampleSize: Int = 20,
        conceptsPerMember: Int = 8,
        contrastCount: Int = 3,
        seed: UInt64 = 42
    ) {
        self.minClusterSize = max(1, minClusterSize)
        self.sampleSize = max(1, sampleSize)
        self.conceptsPerMember = max(1, conceptsPerMember)
        self.contrastCount = max(0, contrastCount)
        self.seed = seed
    }

    /// Gives each continued cluster that kept its previous name that name's source, so a name Claude gave is not
    /// asked for again. A cluster whose name changed (new, or renamed after drift) stays "local".
    public static func carryNameSources(_ clusters: inout [Cluster], previous: [Cluster]) {
        var previousByID: [String: Cluster] = [:]
        for cluster in previous { previousByID[cluster.stableID] = cluster }
        for index in clusters.indices {
            guard let old = previousByID[clusters[index].stableID], old.name == clusters[index].name,
                old.description == clusters[index].description
            else { continue }
            clusters[index].nameSource = old.nameSource
        }
    }

    /// The default choice: every nameable cluster whose name did not come from `source` — new stable ids (the
    /// engine names them locally) and continued clusters named locally before (while the provider was unavailable
    /// or over budget). A cluster `source` named keeps its name, and so does a pinned one (hand-curated).
    public func clustersNeedingNames(_ clusters: [Cluster], namedBy source: String) -> Set<String> {
        Set(
            clusters.filter {
                isNameable($0) && $0.nameSource != source && $0.nameSource != Cluster.pinnedNameSource
            }.map(\.stableID)
        )
    }

    /// True unless the cluster is "Other" or below the minimum size.
    public func isNameable(_ cluster: Cluster) -> Bool {
        !ClusteringEngine.isOther(cluster.stableID) && cluster.size >= minClusterSize
    }

    /// One request per nameable cluster in `stableIDs`, in the order of `clusters`.
    public func requests(
        for stableIDs: Set<String>,
        clusters: [Cluster],
        assignments: [ClusterAssignment],
        conversations: [ConversationInput]
    ) -> [ClusterNamingRequest] {
        var conversationsByID: [RecordID: ConversationInput] = [:]
        for conversation in conversations { conversationsByID[conversation.id] = conversation }
        var membersByCluster: [String: [RecordID]] = [:]
        for assignment in assignments {
            membersByCluster[assignment.stableID, default: []].append(assignment.conversationID)
        }
        // A parent's members are its children's, level by level upwards.
        for cluster in clusters.sorted(by: { $0.level < $1.level }) {
            guard let parent = cluster.parent else { continue }
            membersByCluster[parent, default: []] += membersByCluster[cluster.stableID] ?? []
        }
        let candidates = clusters.filter { !ClusteringEngine.isOther($0.stableID) }

        return clusters.filter { stableIDs.contains($0.stableID) && isNameable($0) }.map { cluster in
            let members = sample(membersByCluster[cluster.stableID] ?? [], stableID: cluster.stableID)
            let memberConcepts = members.compactMap { id -> [String]? in
                let concepts = Array((conversationsByID[id]?.distinctConcepts ?? []).prefix(conceptsPerMember))
                return concepts.isEmpty ? nil : concepts
            }
            let contrast = candidates.filter {
                $0.stableID != cluster.stableID && $0.level == cluster.level && !$0.topConcepts.isEmpty
            }
            .map {
                (
                    cluster: $0,
                    similarity: $0.centroid.count == cluster.centroid.count
                        ? VectorMath.dot($0.centroid, cluster.centroid) : -1
                )
            }
            .sorted { lhs, rhs in
                if lhs.similarity != rhs.similarity { return lhs.similarity > rhs.similarity }
                return lhs.cluster.stableID < rhs.cluster.stableID
            }
            .prefix(contrastCount)
            .map(\.cluster.topConcepts)
            return ClusterNamingRequest(
                stableID: cluster.stableID,
                size: cluster.size,
                topConcepts: cluster.topConcepts,
                sampledMemberConcepts: memberConcepts,
                contrastConcepts: Array(contrast),
                localName: cluster.name
            )
        }
    }

    /// Puts `naming` on the cluster with `stableID`, recording `source` as its name source.
    public static func apply(_ naming: ClusterNaming, source: String, stableID: String, to clusters: inout [Cluster]) {
        for index in clusters.indices where clusters[index].stableID == stableID {
            clusters[index].name = naming.name
            clusters[index].description = naming.description
            clusters[index].nameSource = source
        }
    }

    /// A seeded sample of at most `sampleSize` members, independent of the input order.
    private func sample(_ members: [RecordID], stableID: String) -> [RecordID] {
        var sorted = members.sorted()
        guard sorted.count > sampleSize else { return sorted }
        var generator = SeededGenerator(seed: seed ^ FNV1a.hash(stableID))
        for index in 0..<sampleSize {
            let pick = index + generator.nextIndex(below: sorted.count - index)
            sorted.swapAt(index, pick)
        }
        return Array(sorted.prefix(sampleSize))
    }
}
