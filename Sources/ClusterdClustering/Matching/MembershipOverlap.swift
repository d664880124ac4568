import ClusterdCore

/// How this run's clusters share conversations with the previous run's, counted over the conversations both runs
/// clustered (new conversations and deleted ones count for neither side).
struct MembershipOverlap {
    /// True when the previous memberships are known and at least one conversation is in both runs.
    let known: Bool
    /// `counts[new][old]`: conversations of new cluster `new` that were in previous cluster `old`.
    let counts: [[Int]]
    /// Members of each new cluster that were in the previous run (in any cluster, "Other" included).
    let newShared: [Int]
    /// Members of each previous cluster that are in this run (in any cluster, "Other" included).
    let oldShared: [Int]

    /// `members[new]` are the conversation ids of each new cluster; `present` every conversation of this run.
    init(members: [[RecordID]], present: [RecordID], previousIDs: [String], previous: [RecordID: String]) {
        var slot: [String: Int] = [:]
        for (index, id) in previousIDs.enumerated() { slot[id] = index }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: previousIDs.count), count: members.count)
        var newShared = [Int](repeating: 0, count: members.count)
        for (new, ids) in members.enumerated() {
            for id in ids {
                guard let old = previous[id] else { continue }
                newShared[new] += 1
                if let column = slot[old] { counts[new][column] += 1 }
            }
        }
        var oldShared = [Int](repeating: 0, count: previousIDs.count)
        var shared = 0
        for id in present {
            guard let old = previous[id] else { continue }
            shared += 1
            if let column = slot[old] { oldShared[column] += 1 }
        }
        self.known = shared > 0
        self.counts = counts
        self.newShared = newShared
        self.oldShared = oldShared
    }

    /// Jaccard overlap of new cluster `new` and previous cluster `old` over the shared conversations (0 when
    /// neither has any).
    func jaccard(_ new: Int, _ old: Int) -> Double {
        let both = counts[new][old]
        let either = newShared[new] + oldShared[old] - both
        return either > 0 ? Double(both) / Double(either) : 0
    }
}
