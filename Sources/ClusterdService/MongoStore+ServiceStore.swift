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

    /// `openAssignmentExport(runID:)` as the protocol's existential.
    public func openAssignmentExport(runID: RecordID) throws -> any AssignmentExporting {
        let export: AssignmentExport = try openAssignmentExport(runID: runID)
        return export
    }

    /// `leaseConnection(timeoutMS:)`: a store with connections of its own.
    public func openLeaseStore(timeoutSeconds: Double) throws -> any LeaseStore {
        try leaseConnection(timeoutMS: Int32(clamping: Int((timeoutSeconds * 1000).rounded())))
    }
}

/// The store's assignment export is the service's.
extension AssignmentExport: AssignmentExporting {}

/// The store's scan is the sweep's.
extension MessageScan: MessageScanning {}
