import ClusterdCore
import Foundation
import Synchronization

/// The clustering leader's lease for this replica: one round (`round()`) at start-up and then every
/// `leaseRenewSeconds` on a thread of its own (`clusterd.lease`), judged on the store's clock.
///
/// Each round renews the lease while this replica holds it, takes it over once it ended (or was an earlier
/// process's of this replica), or follows its holder. On becoming leader (a new fencing token) it abandons the runs
/// started under older tokens: they can never be published, since a run passes the lease's fence
/// (`MongoStore.passFence`) before it is. The leader also takes forced runs asked for on followers; a follower
/// refreshes the latest runs (and the centroids placements use) from the store, so its status shows the leader's
/// work. A replica that cannot reach the store stops leading when its lease would have ended.
///
/// The lease's calls go through a connection of their own (`ServiceStore.openLeaseStore`, opened at the first
/// round), never the shared pool: when a saturated store keeps every pooled connection busy, a pooled call waits
/// for one without bound and the lease would end under a live leader. Each call on it gives up after
/// `callTimeout(lease:renew:)`, so a hung round leaves time for another before the lease ends.
final class LeaseKeeper: Sendable {
    /// The lease's name (`_id` in `clusterd_leases`).
    static let leaseName = "clustering"

    let context: ServiceContext
    /// This process: a restarted replica (same id) takes its own lease over at once.
    let incarnation: String
    /// Starts a forced run on this replica (the leader's clustering lane).
    private let forceRun: @Sendable () -> Void
    /// Refreshes the latest runs from the store (a follower's status).
    private let refreshRuns: @Sendable () throws -> Void
    /// The lease's connection: opened at the first round, closed by `release`.
    private let connection = Mutex(Connection.unopened)

    /// Where the lease's connection is in its life.
    private enum Connection {
        case unopened
        case open(any LeaseStore)
        case closed
    }
    /// Signalled by `stop()`: the thread's pause between rounds ends at once.
    private let stopSignal = DispatchSemaphore(value: 0)

    /// The lane's own thread.
    private let thread = LaneThread(name: "clusterd.lease")

    init(
        context: ServiceContext,
        forceRun: @escaping @Sendable () -> Void,
        refreshRuns: @escaping @Sendable () throws -> Void
    ) {
        self.context = context
        self.incarnation = String(UUID().uuidString.prefix(8)).lowercased()
        self.forceRun = forceRun
        self.refreshRuns = refreshRuns
    }

    private var uptime: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// How long one call of a lease round may take, seconds: half of what is left of a lease renewed every
    /// `renew` seconds once the next renewal is due, so a round that hangs that long and fails still leaves time
    /// for one more before the lease ends (15 s renewed every 5: 5 s; 3 s renewed every second: 1 s), at least
    /// a second (shorter, a store answering slowly but in time would fail every round).
    static func callTimeout(lease: Double, renew: Double) -> Double {
        max(1, (lease - renew) / 2)
    }

    /// The lease's connection, opened on first use; the shared store once it was closed, or when it cannot be
    /// opened (which only a URI the shared store refused first would cause).
    private var leaseStore: any LeaseStore {
        connection.withLock { connection in
            switch connection {
            case .open(let store):
                return store
            case .closed:
                return context.store
            case .unopened:
                let configuration = context.configuration
                let timeout = Self.callTimeout(
                    lease: configuration.leaseSeconds,
                    renew: configuration.leaseRenewSeconds
                )
                do {
                    let opened = try context.store.openLeaseStore(timeoutSeconds: timeout)
                    connection = .open(opened)
                    return opened
                } catch {
                    context.logger.warning(
                        "Could not open the lease's own MongoDB connection (\(error)); using the shared pool"
                    )
                    connection = .closed
                    return context.store
                }
            }
        }
    }

    /// Whether this replica leads clustering now: it holds the lease and its lease has not run out since the last
    /// round that renewed it.
    var isLeader: Bool {
        context.state.read { $0.replica.isLeader && uptime < $0.replica.leadsUntilUptime }
    }

    /// One round of the lease protocol (blocking on MongoDB); returns how many runs of older leaders it abandoned
    /// on becoming leader. Throws the store's error (the round is retried at the next one).
    @discardableResult
    func round() throws -> Int {
        let store = leaseStore
        let configuration = context.configuration
        let id = configuration.instanceID
        let now = try store.serverTime()
        let roundUptime = uptime
        guard
            let lease = try store.leaseRound(
                named: Self.leaseName,
                owner: id,
                incarnation: incarnation,
                ttl: configuration.leaseSeconds,
                now: now
            )
        else { return 0 }
        let leading = lease.owner == id && lease.incarnation == incarnation && lease.holds(at: now)
        let before = context.state.read { $0.replica }
        var abandoned = 0
        if leading && (!before.isLeader || before.fencingToken != lease.token) {
            abandoned = try store.abandonRunningRuns(
                before: lease.token,
                reason: "replica \(id) took over the clustering lease (token \(lease.token)): the run's leader is gone",
                now: context.now()
            )
            context.logger.info("This replica (\(id)) leads clustering, fencing token \(lease.token)")
            if abandoned > 0 {
                context.logger.warning(
                    "Marked \(abandoned) interrupted clustering run(s) of an earlier leader as abandoned"
                )
                context.metrics.recordRuns(.abandoned, count: abandoned)
            }
        } else if !leading && (before.isLeader || before.leader != lease.owner) {
            context.logger.info(
                "Replica \(lease.owner) leads clustering (fencing token \(lease.token)); this one follows"
            )
        }
        context.state.withLock { state in
            state.replica.leader = lease.owner
            state.replica.isLeader = leading
            state.replica.fencingToken = lease.token
            state.replica.leaseAcquiredAt = lease.acquiredAt
            state.replica.lastRound = ReplicaState.Round(storeTime: now, uptime: roundUptime)
            state.replica.leadsUntilUptime = leading ? roundUptime + lease.expiresAt.timeIntervalSince(now) : 0
        }
        if leading {
            if let asker = try store.takeForcedRunRequest(named: Self.leaseName, owner: id, token: lease.token) {
                context.logger.info("Forced clustering asked for on replica \(asker)")
                forceRun()
            }
        } else {
            // On the shared pool: a follower holds no lease a busy pool could make it lose.
            try refreshRuns()
        }
        return abandoned
    }

    /// Asks the leader for a forced run through the store (ForceClustering on a follower); off the caller's thread.
    func forwardForcedRun(on queue: OperationQueue) {
        let id = context.configuration.instanceID
        queue.addOperation { [self] in
            do {
                try context.store.requestForcedRun(named: Self.leaseName, by: id, now: context.now())
            } catch {
                context.noteStoreFailure(error)
            }
        }
    }

    /// Starts the renewal thread (once).
    func start() {
        guard thread.start({ [self] in keep() }) else { return }
    }

    /// The thread's loop: a round every `leaseRenewSeconds` (from the start of one to the start of the next, so a
    /// slow round does not push the next renewal back) until the service stops.
    private func keep() {
        let period = context.configuration.leaseRenewSeconds
        var last = uptime
        while true {
            // Its own semaphore, not the state's condition: a thread parked there would count as a waiter.
            _ = stopSignal.wait(timeout: .now() + max(0, last + period - uptime))
            if context.state.read({ $0.stopping }) { return }
            last = uptime
            do {
                try round()
            } catch {
                context.noteStoreFailure(error)
            }
        }
    }

    /// Ends the renewal thread's pause (the service is stopping).
    func stop() {
        stopSignal.signal()
    }

    /// Ends this replica's lease (at shutdown, after its runs stopped) so another replica, or this one restarted,
    /// leads at once. Waits for the thread first; closes the lease's connection.
    func release(within seconds: Double) {
        thread.waitUntilStopped(within: seconds)
        let opened = connection.withLock { connection -> (any LeaseStore)? in
            defer { connection = .closed }
            guard case .open(let store) = connection else { return nil }
            return store
        }
        defer { opened?.close() }
        let store = opened ?? context.store
        let (leading, token) = context.state.read { ($0.replica.isLeader, $0.replica.fencingToken) }
        guard leading else { return }
        do {
            let now = try store.serverTime()
            try store.releaseLease(
                named: Self.leaseName,
                owner: context.configuration.instanceID,
                token: token,
                now: now
            )
            context.state.withLock { $0.replica.isLeader = false }
        } catch {
            context.logger.warning("Could not release the clustering lease at shutdown: \(error)")
        }
    }
}
