import ClusterdCore
import ClusterdStore

/// MongoStore is the production store of the service.
extension MongoStore: ServiceStore {
    /// `scanMessages(after:patience:whenReadable:)`.
    public func openScan(
        after: RecordID?,
        patience: Double,
        whenReadable: @escaping @Sendable () -> Void
    ) throws -> any MessageScanning {
        try scanMessages(after: after, patience: patience, whenReadable: whenReadable)
    }
}

/// The store's scan is the sweep's.
extension MessageScan: MessageScanning {}
