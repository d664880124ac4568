import ClusterdCore
import Foundation

/// Local cluster names from the clusters' most distinctive concepts (class-based TF-IDF).
///
/// Only clusters with at least `minClusterSize` conversations take part. A concept's frequency in a cluster is the
/// number of member conversations that mention it (so one chatty conversation cannot dominate), and its score is
/// frequency × ln(1 + K / clusters containing it), K being the number of named clusters: a concept every cluster
/// shares counts for less than one peculiar to this cluster. Ties go to the more frequent, then the alphabetically
/// first concept. Only distinctive concepts name a cluster and are listed as its top concepts: those whose share of
/// member conversations is at least `minimumLift` times their share among the other named clusters' conversations,
/// so a concept frequent everywhere ("account", "thanks") never names one (when no concept passes, or only one
/// cluster is named, the ranking is used as it is). The name joins the top two concepts with " · ", skipping a
/// concept whose words all appear in one already chosen; the description names the top three. Smaller clusters get
/// `ClusterLabel.other` and their members' concepts are never read.
public struct ClusterNamer: Sendable {
    /// Clusters with fewer conversations are "Other".
    public var minClusterSize: Int
    /// Length of `topConcepts`.
    public var topConceptCount: Int
    /// How many times more common inside a cluster than in the other named clusters a concept must be to name it.
    public var minimumLift: Double

    /// Creates a namer.
    public init(minClusterSize: Int = 1, topConceptCount: Int = 5, minimumLift: Double = 1.5) {
        self.minClusterSize = max(1, minClusterSize)
        self.topConceptCount = max(1, topConceptCount)
        self.minimumLift = max(1, minimumLift)
    }

    /// One label per cluster; `clusters[i]` holds one concept list per member conversation.
    public func labels(for clusters: [[[String]]]) -> [ClusterLabel] {
        let named = clusters.map { $0.count >= minClusterSize }
        var conceptCounts: [[String: Int]] = []
        var clustersContaining: [String: Int] = [:]
        for (index, members) in clusters.enumerated() {
            guard named[index] else {
                conceptCounts.append([:])
                continue
            }
            var counts: [String: Int] = [:]
            for member in members {
                for concept in Set(member.map(ConceptText.normalize)) where !concept.isEmpty {
                    counts[concept, default: 0] += 1
                }
            }
            for concept in counts.keys { clustersContaining[concept, default: 0] += 1 }
            conceptCounts.append(counts)
        }
        let namedCount = Double(named.filter { $0 }.count)
        var conversationsWith: [String: Int] = [:]
        for counts in conceptCounts {
            for (concept, count) in counts { conversationsWith[concept, default: 0] += count }
        }
        let namedMembers = clusters.indices.filter { named[$0] }.reduce(0) { $0 + clusters[$1].count }

        return clusters.indices.map { index in
            guard named[index] else { return .other }
            let ranked = conceptCounts[index].map { concept, count in
                (concept, count, Double(count) * log1p(namedCount / Double(clustersContaining[concept] ?? 1)))
            }
            .sorted { lhs, rhs in
                if lhs.2 != rhs.2 { return lhs.2 > rhs.2 }
                if lhs.1 != rhs.1 { return lhs.1 > rhs.1 }
                return lhs.0 < rhs.0
            }
            .map(\.0)
            let members = clusters[index].count
            let outsideMembers = namedMembers - members
            guard outsideMembers > 0 else { return label(ranked: ranked) }
            let distinctive = ranked.filter { concept in
                let inside = conceptCounts[index][concept] ?? 0
                let outside = (conversationsWith[concept] ?? 0) - inside
                // inside / members ≥ lift × outside / outsideMembers, without dividing.
                return Double(inside) * Double(outsideMembers) >= minimumLift * Double(outside) * Double(members)
            }
            return label(ranked: distinctive.isEmpty ? ranked : distinctive)
        }
    }

    private func label(ranked: [String]) -> ClusterLabel {
        guard !ranked.isEmpty else {
            return ClusterLabel(
                name: "Unlabelled",
                description: "Conversations without extracted concepts.",
                topConcepts: [],
                isOther: false
            )
        }
        var chosen: [String] = []
        for concept in ranked where chosen.count < 3 {
            let words = Set(concept.split(separator: " "))
            let redundant = chosen.contains { words.isSubset(of: Set($0.split(separator: " "))) }
            if !redundant { chosen.append(concept) }
        }
        let name = chosen.prefix(2).joined(separator: " · ")
        let listed: String
        switch chosen.count {
        case 1: listed = chosen[0]
        case 2: listed = "\(chosen[0]) and \(chosen[1])"
        default: listed = "\(chosen[0]), \(chosen[1]) and \(chosen[2])"
        }
        return ClusterLabel(
            name: name,
            description: "Conversations about \(listed).",
            topConcepts: Array(ranked.prefix(topConceptCount)),
            isOther: false
        )
    }
}
