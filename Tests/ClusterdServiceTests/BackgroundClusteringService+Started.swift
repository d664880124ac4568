import ClusterdCore
import Foundation
import Logging
import Metrics
import Testing

@testable import ClusterdService

extension BackgroundClusteringService {
    /// A service on `clock` whose start-up (state load and first tick) has finished; the suites that drive ticks
    /// themselves build theirs with this.
    static func started(
        configuration: ServiceConfiguration,
        store: any ServiceStore,
        embedder: any Embedder,
        clock: ManualClock,
        metrics: any MetricsFactory
    ) -> BackgroundClusteringService {
        let service = BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: embedder,
            logger: Logger(label: "test"),
            now: { clock.now },
            metricsFactory: metrics
        )
        service.start()
        service.waitForStartUp()
        #expect(service.state.read { $0.loaded })
        return service
    }

    /// Waits for start-up's state load and first catch-up pass to finish (the pass's scan reads on a thread of its
    /// own, so its last step may come after the first tick).
    func waitForStartUp() {
        maintenanceQueue.waitUntilAllOperationsAreFinished()
        #expect(waitUntil { state.read { !$0.sweep.passOpen } })
        maintenanceQueue.waitUntilAllOperationsAreFinished()
    }
}
