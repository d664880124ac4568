import ClusterdCore
import ClusterdStore

/// MongoStore is the production store of the service.
extension MongoStore: ServiceStore {
    /// `scanMessages(after:)`.
    public func openScan(after: RecordID?) throws -> any MessageScanning {
        try scanMessages(after: after)
    }
}

/// The store's scan is the sweep's.
extension MessageScan: MessageScanning {}
