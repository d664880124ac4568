import ClusterdCore
import ClusterdStore
import Foundation

extension MongoStore {
    /// Claims one message as the analysis lane would (reading its state first, then the compare-and-set claim):
    /// true when `owner` got it. For tests that set up earlier attempts.
    @discardableResult
    public func claim(_ id: RecordID, owner: String, expiresAt: Date) throws -> Bool {
        let states = try analysisStates(messageIDs: [id])
        return try claimAnalyses([id], states: states, owner: owner, expiresAt: expiresAt).contains(id)
    }
}
