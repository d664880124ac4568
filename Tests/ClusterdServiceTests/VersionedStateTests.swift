import Dispatch
import Foundation
import Synchronization
import Testing

@testable import ClusterdService

/// The state lock's generation and its bounded wait for a change.
struct VersionedStateTests {
    @Test func everyLockedChangeBumpsTheGenerationAndReadsDoNot() {
        let state = VersionedState(ServiceState())
        let start = state.generation
        _ = state.read { $0.pending.count }
        _ = state.snapshot()
        #expect(state.generation == start)
        state.withLock { $0.analyzedTotal += 1 }
        #expect(state.generation == start + 1)
        let bound = state.withLock(once: { $0.savesInProgress == 0 }, orAfter: .seconds(10)) { $0.analyzedTotal }
        #expect(bound == 1 && state.generation == start + 2, "a ready wait runs at once and counts as a change")
    }

    @Test func aWaitEndsWithTheChangeThatMakesTheStateReady() {
        let state = VersionedState(ServiceState())
        state.withLock { $0.savesInProgress = 1 }
        let done = DispatchSemaphore(value: 0)
        let observed = Mutex<Int?>(nil)
        Thread.detachNewThread {
            let saves = state.withLock(once: { $0.savesInProgress == 0 }, orAfter: .seconds(60)) { $0.savesInProgress }
            observed.withLock { $0 = saves }
            done.signal()
        }
        state.withLock { $0.analyzedTotal += 1 }
        state.withLock { $0.savesInProgress -= 1 }
        #expect(done.wait(timeout: .now() + 30) == .success, "woken by the change, long before its 60 s bound")
        #expect(observed.withLock { $0 } == 0)
    }

    @Test func aWaitIsBoundedOnTheMonotonicClock() {
        let state = VersionedState(ServiceState())
        state.withLock { $0.savesInProgress = 1 }
        let started = ContinuousClock.now
        let saves = state.withLock(once: { $0.savesInProgress == 0 }, orAfter: .milliseconds(50)) { $0.savesInProgress }
        #expect(saves == 1, "the body runs anyway once the bound has passed")
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }
}
