import Foundation

/// What status shows of the concept backlog, as a value type driven with explicit times: its size (read from
/// MongoDB by the backlog lane), the messages upgraded and the rate over the last minutes, the requests and tokens
/// spent, and from those the tokens per message and when the backlog should clear.
struct ConceptBacklogProgress: Sendable, Equatable {
    /// Entries on the backlog (all replicas'), as last read.
    var backlog = 0
    /// Messages whose local concepts this process replaced with Claude's.
    var upgraded = 0
    /// Concept requests sent by this process (normal requests, plus the requests inside message batches).
    var requests = 0
    /// Tokens those requests used.
    var tokens = 0
    /// Message Batches API state: "off", "idle", "in flight", "unavailable".
    var batchAPI = "off"
    /// Upgrades per moment, within the rate window.
    private(set) var recent: [(at: Date, count: Int)] = []
    /// When this process started working the backlog (the rate's window starts no earlier).
    private(set) var since: Date?

    /// The window the rate is measured over, seconds.
    static let window = 300.0

    /// Records one answered request at `now`: `upgraded` messages, `tokens` used.
    mutating func record(upgraded count: Int, tokens used: Int, requests sent: Int = 1, now: Date) {
        if since == nil { since = now }
        upgraded += count
        tokens += used
        requests += sent
        if count > 0 { recent.append((now, count)) }
        prune(now)
    }

    /// Notes that work began at `now` (the rate counts from then).
    mutating func began(now: Date) {
        if since == nil { since = now }
    }

    /// Messages upgraded per minute over the last `window` seconds (or since work began, at least a minute).
    func ratePerMinute(now: Date) -> Double {
        guard let since else { return 0 }
        let horizon = now.addingTimeInterval(-Self.window)
        let count = recent.filter { $0.at > horizon }.reduce(0) { $0 + $1.count }
        let span = max(60, min(Self.window, now.timeIntervalSince(since)))
        return Double(count) / span * 60
    }

    /// Seconds until the backlog clears at the current rate: 0 when empty, -1 when unknown (no rate yet).
    func clearsInSeconds(now: Date) -> Double {
        guard backlog > 0 else { return 0 }
        let rate = ratePerMinute(now: now)
        return rate > 0 ? Double(backlog) / rate * 60 : -1
    }

    /// Tokens per upgraded message (0 before the first).
    var tokensPerMessage: Double {
        upgraded > 0 ? Double(tokens) / Double(upgraded) : 0
    }

    private mutating func prune(_ now: Date) {
        let horizon = now.addingTimeInterval(-Self.window)
        recent.removeAll { $0.at <= horizon }
    }

    static func == (lhs: ConceptBacklogProgress, rhs: ConceptBacklogProgress) -> Bool {
        lhs.backlog == rhs.backlog && lhs.upgraded == rhs.upgraded && lhs.requests == rhs.requests
            && lhs.tokens == rhs.tokens && lhs.batchAPI == rhs.batchAPI && lhs.since == rhs.since
            && lhs.recent.map(\.at) == rhs.recent.map(\.at) && lhs.recent.map(\.count) == rhs.recent.map(\.count)
    }
}
