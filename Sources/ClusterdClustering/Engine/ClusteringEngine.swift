import ClusterdCore
import ClusterdEmbedding

/// Clusters conversations by topic: conversation vectors, seeded k-means with the configured k rule, local names,
/// and stable ids carried over from the previous run, with lineage and run metrics.
///
/// Pure and deterministic: conversations are sorted by id first, so input order does not matter, and every random
/// choice is seeded: the same conversations, previous run and configuration give the same clusters, ids, names,
/// lineage and metrics.
///
/// k-means for each candidate k also starts from the previous candidate's centroids, completed by k-means++ (a
/// cheap guard against a poor local optimum deciding k). Stability across runs: k-means for the previous run's k
/// also starts from the previous run's centroids (largest clusters first; see `KMeans.fit(_:warmStart:extraStarts:)`),
/// and the k rule keeps the previous k unless another k's silhouette beats it by more than `kSwitchMargin`; other k
/// values are fitted exactly as without a previous run, so a re-run on unchanged data reproduces the previous
/// partition. The clusters that are at least `minClusterSize` large are then matched
/// one-to-one to the previous run's (its "Other" bucket excluded) by `StableIDMatcher`: centroid cosine and
/// membership overlap (Jaccard over the conversations both runs clustered), the Hungarian algorithm maximising the
/// total score. A matched cluster keeps the previous stable id, and its name and description unless its overlap is
/// below `renameBelowOverlap` (then it is re-named from its concepts). An unmatched cluster is born with "c-" + 12
/// hex digits of the FNV-1a hash of the seed and its sorted member ids (re-hashed with a counter if that id is
/// already in use), so a fresh id depends on the cluster's content, not on the run id. Previous clusters left
/// unmatched retire. The lineage (`LineageEvent`) records born, continued (with re-naming), split, merged and
/// retired clusters. Clusters below `minClusterSize` are merged into one "Other" cluster with stable id "other", no
/// concepts and no representatives. Metrics: the silhouette of the chosen k-means partition on the k rule's sample
/// (1000 points for `.fixed`), the inertia, k, the final cluster sizes, and against the previous run the churn
/// (share of shared conversations whose stable id changed) and the adjusted Rand index.
public struct ClusteringEngine: Sendable {
    /// Stable id of the bucket of clusters below the minimum size when there is no parent level; with one, each
    /// level-1 parent has its own bucket, "other/" + the parent's stable id.
    public static let otherStableID = "other"

    /// True for the stable id of an "Other" bucket ("other", or "other/" + a parent's stable id).
    public static func isOther(_ stableID: String) -> Bool {
        stableID == otherStableID || stableID.hasPrefix(otherStableID + "/")
    }

    /// The run's settings.
    public let configuration: ClusteringConfiguration

    /// Creates an engine.
    public init(configuration: ClusteringConfiguration = ClusteringConfiguration()) {
        self.configuration = configuration
    }

    /// Clusters `conversations` matching ids on the previous clusters' centroids only (no memberships, no previous
    /// k); see `run(runID:conversations:previous:progress:)` with a `PreviousClustering`.
    public func run(
        runID: RecordID,
        conversations: [ConversationInput],
        previous: [Cluster],
        progress: (Double) -> Void
    ) -> ClusteringOutcome {
        run(
            runID: runID,
            conversations: conversations,
            previous: PreviousClustering(clusters: previous),
            progress: progress
        )
    }

    /// Clusters `conversations` against the previous run, reporting progress from 0 to 1. Never fails: n = 0 gives
    /// no clusters, n = 1 one.
    public func run(
        runID: RecordID,
        conversations: [ConversationInput],
        previous: PreviousClustering,
        progress: (Double) -> Void
    ) -> ClusteringOutcome {
        progress(0)
        let sorted = conversations.sorted { Self.sortKey($0.id) < Self.sortKey($1.id) }
        let dimension = Self.commonDimension(sorted)
        let vectors = sorted.map { $0.vector(dimension: dimension) }
        let previousClusters = previous.clusters.filter { !Self.isOther($0.stableID) && $0.level == 0 }
            .sorted { $0.stableID < $1.stableID }
        let warmStart = previousClusters.sorted { lhs, rhs in
            lhs.size != rhs.size ? lhs.size > rhs.size : lhs.stableID < rhs.stableID
        }
        .map(\.centroid)
        let previousK = previous.k ?? (previousClusters.isEmpty ? nil : previousClusters.count)
        progress(0.05)

        let (fit, silhouette, kCandidates) = partition(
            vectors,
            warmStart: warmStart,
            previousK: previousK,
            progress: { progress(0.05 + 0.8 * $0) }
        )

        let clusterCount = fit.centroids.count
        var members = [[Int]](repeating: [], count: clusterCount)
        for (point, cluster) in fit.assignments.enumerated() { members[cluster].append(point) }
        let namer = ClusterNamer(
            minClusterSize: configuration.minClusterSize,
            topConceptCount: configuration.topConceptCount
        )
        let labels = namer.labels(for: members.map { $0.map { sorted[$0].distinctConcepts } })
        progress(0.9)

        var groups: [Group] = []
        var otherMembers: [Int] = []
        for cluster in 0..<clusterCount {
            if labels[cluster].isOther {
                otherMembers += members[cluster]
            } else {
                groups.append(
                    Group(members: members[cluster], centroid: fit.centroids[cluster], label: labels[cluster])
                )
            }
        }
        groups.sort { lhs, rhs in
            if lhs.members.count != rhs.members.count { return lhs.members.count > rhs.members.count }
            return Self.sortKey(sorted[lhs.members[0]].id) < Self.sortKey(sorted[rhs.members[0]].id)
        }
        let lineage = assignStableIDs(
            &groups,
            previous: previousClusters,
            memberships: previous.assignments,
            conversations: sorted
        )
        let parents = buildHierarchy(base: &groups, vectors: vectors, conversations: sorted, previous: previous)
        groups += otherGroups(otherMembers, vectors: vectors, parents: parents.first?.groups ?? [], previous: previous)

        var clusters: [Cluster] = []
        var assignments = [ClusterAssignment?](repeating: nil, count: sorted.count)
        for group in groups {
            let distances = Self.distances(group, vectors)
            for entry in distances {
                assignments[entry.point] = ClusterAssignment(
                    conversationID: sorted[entry.point].id,
                    runID: runID,
                    stableID: group.stableID,
                    distance: entry.distance
                )
            }
            let representatives = group.label.isOther ? [] : representatives(distances, conversations: sorted)
            clusters.append(Self.cluster(of: group, level: 0, runID: runID, representatives: representatives))
        }
        let baseSizes = clusters.map(\.size).sorted(by: >)
        for (index, level) in parents.enumerated() {
            clusters += level.groups.map {
                parentCluster($0, level: index + 1, runID: runID, vectors: vectors, conversations: sorted)
            }
        }

        let finalAssignments = assignments.compactMap { $0 }
        var before: [String] = []
        var after: [String] = []
        for assignment in finalAssignments {
            guard let old = previous.assignments[assignment.conversationID] else { continue }
            before.append(old)
            after.append(assignment.stableID)
        }
        let metrics = RunMetrics(
            silhouette: silhouette,
            inertia: fit.inertia,
            sizes: baseSizes,
            k: clusterCount,
            churn: PartitionAgreement.churn(before, after),
            adjustedRandIndex: PartitionAgreement.adjustedRandIndex(before, after),
            comparedConversations: before.count,
            levelSizes: [baseSizes.count] + parents.map(\.groups.count)
        )
        progress(1)
        return ClusteringOutcome(
            clusters: clusters,
            assignments: finalAssignments,
            metrics: metrics,
            kRule: configuration.kRule.description,
            lineage: lineage + parents.flatMap(\.events),
            kCandidates: kCandidates
        )
    }

    /// Runs k-means for every candidate k (also started from the previous candidate's centroids; the previous run's
    /// k also warm-started from the previous run's centroids), fits the `contenderLimit` candidates with the highest
    /// information criterion among those within `contenderMargin` of the best silhouette again with
    /// `contenderStarts(points:)` starts, and keeps the one with the highest criterion (`preferred`), or the
    /// previous run's k unless that choice's silhouette beats it by more than `kSwitchMargin`. With `.grid` the
    /// candidates are
    /// fitted on a seeded sample of at most `fitSampleFactor` × the silhouette sample size (all points when they
    /// fit; the silhouette sample is drawn from it, so a candidate is not scored only on the points it was fitted
    /// to at the sample's own scale), the previous run's k joins them when within the cap, and the chosen k is then
    /// fitted on all points, started from its sample fit too.
    private func partition(
        _ vectors: [[Float]],
        warmStart: [[Float]],
        previousK: Int?,
        progress: (Double) -> Void
    ) -> (KMeansResult, Double?, [KCandidateScore]) {
        let distinct = Set(vectors).count
        var candidates = configuration.kRule.candidates(count: vectors.count, distinctCount: distinct)
        let sampleSize = configuration.kRule.sampleSize
        let fitPoints: [Int]
        if case .grid = configuration.kRule {
            fitPoints = Silhouette.sampleIndices(
                count: vectors.count,
                sampleSize: Self.fitSampleFactor * sampleSize,
                seed: configuration.seed
            )
        } else {
            fitPoints = Array(vectors.indices)
        }
        let onSample = fitPoints.count < vectors.count
        let scored = Silhouette.sampleIndices(count: fitPoints.count, sampleSize: sampleSize, seed: configuration.seed)
        let sample = scored.map { fitPoints[$0] }
        let fitVectors = onSample ? fitPoints.map { vectors[$0] } : vectors
        if case .grid = configuration.kRule, let previousK, previousK >= 2, !candidates.contains(previousK),
            previousK
                <= KRule.gridCap(
                    count: vectors.count,
                    distinctCount: distinct,
                    sampleSize: configuration.kRule.sampleSize
                )
        {
            candidates = (candidates + [previousK]).sorted()
        }
        let dimension = vectors.first?.count ?? 0
        let sampleVectors = sample.map { vectors[$0] }
        let flat = sampleVectors.flatMap { $0 }
        let similarities = MatrixProduct.gram(
            rows: flat,
            rowCount: sample.count,
            columns: flat,
            columnCount: sample.count,
            dimension: dimension
        )
        let steps = Double(candidates.count + (onSample ? 1 : 0))

        var fits: [(fit: KMeansResult, score: Double?)] = []
        var starts: [Int] = []
        var chain: [[Float]] = []
        for (position, k) in candidates.enumerated() {
            let fit = kMeans(k).fit(
                fitVectors,
                warmStart: k == previousK ? warmStart : [],
                extraStarts: chain.isEmpty ? [] : [chain]
            )
            chain = Self.bySize(fit)
            starts.append(configuration.initializations)
            let labels = scored.map { fit.assignments[$0] }
            fits.append((fit, Silhouette.score(similarities: similarities, labels: labels)))
            progress(Double(position + 1) / steps)
        }
        // The leading candidates are fitted again with more starts: between close scores, the fits' own noise
        // decides otherwise.
        var contenders: [Int] = []
        var criteria = fits.map { $0.fit.informationCriterion(dimension: dimension) }
        if candidates.count > 1, let top = fits.compactMap(\.score).max() {
            let window = fits.indices.filter { (fits[$0].score ?? -.infinity) >= top - Self.contenderMargin * abs(top) }
            contenders = Array(
                window.sorted { lhs, rhs in
                    let left = criteria[lhs] ?? -.infinity
                    let right = criteria[rhs] ?? -.infinity
                    return left != right ? left > right : lhs < rhs
                }
                .prefix(Self.contenderLimit)
            )
            for index in contenders {
                var more = kMeans(candidates[index])
                more.initializations = max(more.initializations, Self.contenderStarts(points: fitVectors.count))
                let fit = more.fit(
                    fitVectors,
                    warmStart: candidates[index] == previousK ? warmStart : [],
                    extraStarts: [Self.bySize(fits[index].fit)]
                )
                fits[index] = (
                    fit, Silhouette.score(similarities: similarities, labels: scored.map { fit.assignments[$0] })
                )
                starts[index] = more.initializations + 1
                criteria[index] = fit.informationCriterion(dimension: dimension)
            }
        }
        let best = fits[Self.preferred(fits.map(\.score), criteria: criteria, contenders: contenders)]
        let previousFit = candidates.firstIndex(of: previousK ?? -1).map { fits[$0] }
        var chosen = best
        if let kept = previousFit, let keptScore = kept.score, let bestScore = best.score,
            bestScore - keptScore <= configuration.kSwitchMargin
        {
            chosen = kept
        }
        let curve = candidates.indices.map {
            KCandidateScore(
                k: candidates[$0],
                silhouette: fits[$0].score,
                criterion: criteria[$0],
                starts: starts[$0]
            )
        }
        guard onSample else { return (chosen.fit, chosen.score, curve) }
        let k = chosen.fit.centroids.count
        let full = kMeans(k).fit(
            vectors,
            warmStart: k == previousK ? warmStart : [],
            extraStarts: [Self.bySize(chosen.fit)]
        )
        progress(1)
        return (full, chosen.score, curve)
    }

    /// Candidates whose silhouette is within this fraction of the best are the k rule's window; the
    /// `contenderLimit` of them with the highest information criterion are fitted again with
    /// `contenderStarts(points:)` starts (and their first fit as one more), and the best criterion among those wins.
    static let contenderMargin = 0.05
    /// Most candidates fitted again.
    static let contenderLimit = 3
    /// Most k-means++ starts of a contender's second fit: on CLINC150 (4,500 utterances, 150 intents) 30 starts
    /// instead of 10 raised the chosen fit from 73.93 / 89.51 / 67.91 to 75.34 / 89.96 / 69.60 (ACC / NMI / ARI,
    /// five seeds); the lower inertia of more starts goes with a partition closer to the intents.
    static let contenderInitializations = 30
    /// Fewest starts of a contender's second fit.
    static let contenderMinimumInitializations = 10
    /// Points × starts a contender's second fit may take: 30 starts up to 5,000 fit points, then fewer, at least
    /// `contenderMinimumInitializations` (12 on the 12,000-point sample of a large run).
    static let contenderPointStarts = 150_000

    /// k-means++ starts of a contender's second fit on `points` points.
    static func contenderStarts(points: Int) -> Int {
        min(contenderInitializations, max(contenderMinimumInitializations, contenderPointStarts / max(1, points)))
    }

    /// The index of the candidate the k rule keeps, given each candidate's silhouette (`scores`) and information
    /// criterion (`criteria`, `KMeansResult.informationCriterion`): among the `contenders` (fitted again), the
    /// highest criterion (the smaller k on ties); without contenders, the best silhouette (the first candidate when
    /// none has a score).
    ///
    /// The silhouette finds the region of good k but is flat across it, and rises on past the true number of
    /// topics (CLINC150's 150 intents: 0.262 at k 180, 0.272 at 240); the information criterion falls once
    /// topics are cut in two (it peaks at 140–180 there) but is flat where the silhouette is sharp (SGD's 16
    /// domains: 727,833 at k 15 and 728,568 at 20, where the silhouette falls from 0.43 to 0.34).
    static func preferred(_ scores: [Double?], criteria: [Double?], contenders: [Int]) -> Int {
        var chosen =
            scores.indices.max { lhs, rhs in
                (scores[lhs] ?? -.infinity, rhs) < (scores[rhs] ?? -.infinity, lhs)
            } ?? 0
        var chosenCriterion = -Double.infinity
        for index in contenders.sorted() {
            guard let criterion = criteria[index] else { continue }
            if criterion > chosenCriterion {
                chosen = index
                chosenCriterion = criterion
            }
        }
        return chosen
    }

    /// The `.grid` rule fits its candidates on at most this many times its silhouette sample size (12,000 points
    /// with the default 3,000): the eval sets are fitted whole, as the reference does; 10⁵ conversations on a sample.
    static let fitSampleFactor = 4

    /// Seeded k-means with the run's settings for `k` clusters.
    func kMeans(_ k: Int) -> KMeans {
        KMeans(
            k: k,
            maxIterations: configuration.maxIterations,
            seed: configuration.seed,
            initializations: configuration.initializations,
            warmStartTolerance: configuration.warmStartTolerance,
            trainingPointsPerCentroid: configuration.trainingPointsPerCentroid
        )
    }

    /// A fit's centroids, largest cluster first (ties by index): a start for the next fit.
    private static func bySize(_ fit: KMeansResult) -> [[Float]] {
        let sizes = fit.sizes
        return fit.centroids.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
            .map { fit.centroids[$0] }
    }

    /// Gives each group a matched or fresh stable id (a matched group also the previous name, unless its membership
    /// drifted; a fresh id never one of `reserved`) and its lineage; returns the run's lineage events.
    func assignStableIDs(
        _ groups: inout [Group],
        previous: [Cluster],
        memberships: [RecordID: String],
        conversations: [ConversationInput],
        reserved: Set<String> = []
    ) -> [LineageEvent] {
        let previousIDs = previous.map(\.stableID)
        let overlap = MembershipOverlap(
            members: groups.map { $0.members.map { conversations[$0].id } },
            present: conversations.map(\.id),
            previousIDs: previousIDs,
            previous: memberships
        )
        let matcher = StableIDMatcher(
            cosineThreshold: configuration.stableMatchThreshold,
            overlapThreshold: configuration.membershipMatchThreshold,
            membershipWeight: configuration.membershipWeight
        )
        let matches = matcher.match(centroids: groups.map(\.centroid), previous: previous, overlap: overlap)
        var used = Set(previousIDs).union(reserved)
        used.insert(Self.otherStableID)
        var renamed = [Bool](repeating: false, count: groups.count)
        for (index, match) in matches.enumerated() {
            guard let old = match else { continue }
            groups[index].stableID = previous[old].stableID
            if overlap.known && overlap.jaccard(index, old) < configuration.renameBelowOverlap {
                renamed[index] = true
            } else {
                groups[index].label.name = previous[old].name
                groups[index].label.description = previous[old].description
            }
        }
        for index in groups.indices where matches[index] == nil {
            let memberIDs = groups[index].members.map { conversations[$0].id.description }.sorted()
            let basis = "\(configuration.seed)|" + memberIDs.joined(separator: "\n")
            var stableID = "c-" + FNV1a.hex12(basis)
            var attempt = 1
            while used.contains(stableID) {
                stableID = "c-" + FNV1a.hex12(basis + "#\(attempt)")
                attempt += 1
            }
            used.insert(stableID)
            groups[index].stableID = stableID
        }
        let lineage = LineageBuilder(share: configuration.lineageShare)
            .build(
                stableIDs: groups.map(\.stableID),
                matches: matches,
                renamed: renamed,
                previousIDs: previousIDs,
                overlap: overlap
            )
        for index in groups.indices { groups[index].lineage = lineage.clusters[index] }
        return lineage.events
    }

    /// The most common embedding length (the larger on ties); 0 when there are no embeddings.
    private static func commonDimension(_ conversations: [ConversationInput]) -> Int {
        var counts: [Int: Int] = [:]
        for conversation in conversations {
            for embedding in conversation.embeddings where !embedding.isEmpty {
                counts[embedding.count, default: 0] += 1
            }
        }
        return counts.max { lhs, rhs in lhs.value != rhs.value ? lhs.value < rhs.value : lhs.key < rhs.key }?.key ?? 0
    }

    /// Total order on ids: by text, then ObjectIds before strings.
    static func sortKey(_ id: RecordID) -> String {
        switch id {
        case .objectID(let hex): return hex + "\u{0}0"
        case .string(let text): return text + "\u{0}1"
        }
    }

    /// A cluster being assembled.
    struct Group {
        var members: [Int]
        var centroid: [Float]
        var label: ClusterLabel
        var stableID = ""
        var lineage = ClusterLineage.born
        var parent: String?
    }
}
