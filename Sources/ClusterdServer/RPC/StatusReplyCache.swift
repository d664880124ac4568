import ClusterdRPC
import ClusterdService
import Synchronization

/// GetStatus's reply, packed once and shared by the calls that follow until something changes.
///
/// A cached reply is reused while the service's state generation is unchanged (every change of the in-memory state
/// bumps it, so a trigger, an analysis or a run is in the next reply) and for at most `maxAge`: the fields that
/// derive from the clock (uptime, minutes since the last run, the schedule) and the Claude integration's report may
/// be that much behind. Building and packing the status costs several microseconds; a reused reply costs a copy.
final class StatusReplyCache: Sendable {
    private struct Entry {
        let generation: UInt64
        let builtAt: UInt64
        let reply: PackedReply
    }

    /// The longest a reply is reused when the state has not changed.
    static let maxAge: UInt64 = 10_000_000  // nanoseconds

    private let service: BackgroundClusteringService
    private let entry = Mutex<Entry?>(nil)

    init(service: BackgroundClusteringService) {
        self.service = service
    }

    /// The current status reply at `now` (monotonic-clock nanoseconds): the cached one while it is fresh, else a new
    /// one (which is then cached).
    func reply(now: UInt64) -> PackedReply {
        let generation = service.statusGeneration
        if let cached = entry.withLock({ $0 }), cached.generation == generation, now &- cached.builtAt < Self.maxAge {
            return cached.reply
        }
        let (status, built) = service.statusSnapshot()
        let reply = PackedReply(.getStatus(status))
        entry.withLock { current in
            // Keep the newer of two concurrent builds.
            if current.map({ $0.generation <= built }) ?? true {
                current = Entry(generation: built, builtAt: now, reply: reply)
            }
        }
        return reply
    }
}
