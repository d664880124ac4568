import Foundation

/// A bounded set of ids that each expire a fixed time after they were last added: what clusterd remembers of message
/// ids that never existed (a client may send any number of them, so they are never written to MongoDB and never
/// held without bound). Adding beyond the capacity forgets the oldest.
public struct ExpiringIDSet: Sendable, Equatable {
    /// Most ids held.
    public let capacity: Int
    /// Seconds an id is remembered after it was last added.
    public let lifetime: Double
    private var addedAt: [String: Date] = [:]
    /// Ids in the order they were (last) added, oldest first; may hold stale entries for ids added again since.
    private var order: [(id: String, at: Date)] = []
    private var head = 0

    /// An empty set holding at most `capacity` ids for `lifetime` seconds each.
    public init(capacity: Int, lifetime: Double) {
        self.capacity = max(1, capacity)
        self.lifetime = lifetime
    }

    /// Ids remembered now (expired ones are dropped as the set is used).
    public var count: Int { addedAt.count }

    /// Remembers `id` from `now` on, forgetting expired ids and, beyond the capacity, the oldest.
    public mutating func insert(_ id: String, now: Date) {
        expire(now: now)
        addedAt[id] = now
        order.append((id, now))
        while addedAt.count > capacity { dropOldest() }
        compact()
    }

    /// Whether `id` is remembered at `now`.
    public func contains(_ id: String, now: Date) -> Bool {
        guard let at = addedAt[id] else { return false }
        return now.timeIntervalSince(at) < lifetime
    }

    /// Forgets the ids added `lifetime` or more before `now`.
    public mutating func expire(now: Date) {
        while head < order.count, now.timeIntervalSince(order[head].at) >= lifetime { dropOldest() }
    }

    private mutating func dropOldest() {
        guard head < order.count else { return }
        let oldest = order[head]
        head += 1
        if addedAt[oldest.id] == oldest.at { addedAt[oldest.id] = nil }
    }

    /// Drops the consumed prefix of `order` once it is most of the array.
    private mutating func compact() {
        guard head > 64, head * 2 > order.count else { return }
        order.removeFirst(head)
        head = 0
    }

    /// Two sets are equal when they remember the same ids from the same times.
    public static func == (lhs: ExpiringIDSet, rhs: ExpiringIDSet) -> Bool {
        lhs.capacity == rhs.capacity && lhs.lifetime == rhs.lifetime && lhs.addedAt == rhs.addedAt
    }
}
