import Dispatch
import Foundation
import Testing

@testable import ClusterdService

/// Shutdown's bounded wait for the lanes' queues.
struct OperationQueueDrainTests {
    @Test func aDrainWaitsForRunningWorkAndIsBounded() {
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let gate = DispatchSemaphore(value: 0)
        queue.addOperation { gate.wait() }
        let idle = OperationQueue()
        let started = ContinuousClock.now
        #expect(!OperationQueue.drain([queue, idle], within: 0.05), "the blocked operation outlives the bound")
        #expect(ContinuousClock.now - started >= .milliseconds(50))
        gate.signal()
        #expect(OperationQueue.drain([queue, idle], within: 30))
        #expect(queue.operationCount == 0)
    }
}
