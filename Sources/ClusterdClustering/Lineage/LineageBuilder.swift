import ClusterdCore

/// Derives a run's lineage events and each cluster's lineage from the stable-id matching and the membership overlap
/// (see `LineageEvent` for the rules).
struct LineageBuilder {
    /// A part of a cluster counts for a split or a merge when it holds at least this share of the shared members.
    var share: Double

    /// The run's events (continued, born, split, merged, retired; each kind by stable id) and one lineage per new
    /// cluster. `matches[new]` indexes `previousIDs`; `renamed[new]` says a matched cluster got a new name.
    func build(
        stableIDs: [String],
        matches: [Int?],
        renamed: [Bool],
        previousIDs: [String],
        overlap: MembershipOverlap
    ) -> (events: [LineageEvent], clusters: [ClusterLineage]) {
        var events: [LineageEvent] = []
        var clusterKinds = stableIDs.indices.map { matches[$0] == nil ? LineageKind.born : .continued }
        var parents = [[Int]](repeating: [], count: stableIDs.count)
        for new in stableIDs.indices {
            if let old = matches[new] {
                events.append(
                    LineageEvent(
                        kind: .continued,
                        stableIDs: [stableIDs[new]],
                        previousStableIDs: [previousIDs[old]],
                        renamed: renamed[new],
                        overlap: overlap.known ? overlap.jaccard(new, old) : nil
                    )
                )
            } else {
                events.append(LineageEvent(kind: .born, stableIDs: [stableIDs[new]], previousStableIDs: []))
            }
        }

        if overlap.known {
            var structural: [LineageEvent] = []
            for old in previousIDs.indices where overlap.oldShared[old] > 0 {
                let receivers = stableIDs.indices.filter { new in
                    overlap.counts[new][old] > 0
                        && Double(overlap.counts[new][old]) >= share * Double(overlap.oldShared[old])
                }
                guard receivers.count >= 2 else { continue }
                let ordered = Self.byCount(receivers) {
                    overlap.counts[$0][old]
                } tieBreak: {
                    stableIDs[$0]
                }
                for new in ordered where clusterKinds[new] != .merged { clusterKinds[new] = .split }
                structural.append(
                    LineageEvent(
                        kind: .split,
                        stableIDs: ordered.map { stableIDs[$0] },
                        previousStableIDs: [previousIDs[old]]
                    )
                )
            }
            for new in stableIDs.indices where overlap.newShared[new] > 0 {
                let givers = previousIDs.indices.filter { old in
                    overlap.counts[new][old] > 0
                        && Double(overlap.counts[new][old]) >= share * Double(overlap.newShared[new])
                }
                parents[new] = Self.byCount(givers) {
                    overlap.counts[new][$0]
                } tieBreak: {
                    previousIDs[$0]
                }
                guard givers.count >= 2 else { continue }
                clusterKinds[new] = .merged
                structural.append(
                    LineageEvent(
                        kind: .merged,
                        stableIDs: [stableIDs[new]],
                        previousStableIDs: parents[new].map { previousIDs[$0] }
                    )
                )
            }
            events += structural
        }

        let matched = Set(matches.compactMap { $0 })
        for old in previousIDs.indices where !matched.contains(old) {
            events.append(LineageEvent(kind: .retired, stableIDs: [], previousStableIDs: [previousIDs[old]]))
        }
        let rank: [LineageKind: Int] = [.continued: 0, .born: 1, .split: 2, .merged: 3, .retired: 4]
        events.sort { lhs, rhs in
            if lhs.kind != rhs.kind { return rank[lhs.kind]! < rank[rhs.kind]! }
            let left = (lhs.stableIDs.first ?? "") + "\u{0}" + (lhs.previousStableIDs.first ?? "")
            let right = (rhs.stableIDs.first ?? "") + "\u{0}" + (rhs.previousStableIDs.first ?? "")
            return left < right
        }

        let clusters = stableIDs.indices.map { new in
            var previous = parents[new]
            if let old = matches[new] {
                previous.removeAll { $0 == old }
                previous.insert(old, at: 0)
            }
            return ClusterLineage(
                kind: clusterKinds[new],
                previousStableIDs: previous.map { previousIDs[$0] },
                renamed: renamed[new]
            )
        }
        return (events, clusters)
    }

    /// `indices` by descending count, ties by ascending key.
    private static func byCount(_ indices: [Int], count: (Int) -> Int, tieBreak key: (Int) -> String) -> [Int] {
        indices.sorted { lhs, rhs in
            let (left, right) = (count(lhs), count(rhs))
            return left != right ? left > right : key(lhs) < key(rhs)
        }
    }
}
