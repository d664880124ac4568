@testable import ClusterdService

extension BackgroundClusteringService {
    /// One timer tick on the maintenance lane, after whatever is already there (start-up, a timer tick), run to
    /// the end: when it returns, the tick's sweep and trigger check have happened.
    func tickAndWait() {
        maintenanceQueue.addOperation { self.tick() }
        maintenanceQueue.waitUntilAllOperationsAreFinished()
    }
}
