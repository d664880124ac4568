import ClusterdCore
import ClusterdStore
import Foundation

@testable import ClusterdService

extension FlakyStore {
    /// A flaky store's lease connection: a connection of its own on the same database, failing while the store is
    /// down.
    struct LeaseSession: LeaseStore {
        let store: FlakyStore
        let connection: MongoStore

        func serverTime() throws -> Date { try store.checked { try connection.serverTime() } }
        func leaseRound(named name: String, owner: String, incarnation: String, ttl: Double, now: Date) throws
            -> Lease?
        {
            try store.checked {
                try connection.leaseRound(named: name, owner: owner, incarnation: incarnation, ttl: ttl, now: now)
            }
        }
        func releaseLease(named name: String, owner: String, token: Int64, now: Date) throws {
            try store.checked { try connection.releaseLease(named: name, owner: owner, token: token, now: now) }
        }
        func takeForcedRunRequest(named name: String, owner: String, token: Int64) throws -> String? {
            try store.checked { try connection.takeForcedRunRequest(named: name, owner: owner, token: token) }
        }
        func abandonRunningRuns(before token: Int64, reason: String, now: Date) throws -> Int {
            try store.checked { try connection.abandonRunningRuns(before: token, reason: reason, now: now) }
        }
        func close() { connection.close() }
    }

    func openLeaseStore(timeoutSeconds: Double) throws -> any LeaseStore {
        try checked {
            LeaseSession(
                store: self,
                connection: try inner.leaseConnection(timeoutMS: Int32((timeoutSeconds * 1000).rounded()))
            )
        }
    }
}
