import ClusterdCore
import Foundation
import Testing

@testable import ClusterdService

/// The catch-up sweep's planning and accounting, driven with a manual clock.
struct SweepStateTests {
    @Test func theFirstSweepIsFullThenIncrementalUntilTheFullSweepIsDue() {
        let clock = ManualClock()
        var sweep = SweepState(fullSweepSeconds: 600)
        let result1 = sweep.plan(now: clock.now, followingChanges: false)
        #expect(result1?.restarts == true)
        sweep.watermark = .string("m-6")
        let result2 = sweep.plan(now: clock.now, followingChanges: false)
        #expect(result2 == SweepState.Plan(after: .string("m-6"), restarts: false))
        clock.advance(by: 599)
        let result3 = sweep.plan(now: clock.now, followingChanges: false)
        #expect(result3?.restarts == false)
        clock.advance(by: 1)
        let result4 = sweep.plan(now: clock.now, followingChanges: false)
        #expect(result4?.restarts == true)
        #expect(sweep.watermark == nil && sweep.lastFullSweepAt == clock.now)
    }

    @Test func aRequestedOrClockSetBackSweepIsFull() {
        let clock = ManualClock()
        var sweep = SweepState(fullSweepSeconds: 600)
        _ = sweep.plan(now: clock.now, followingChanges: false)
        sweep.watermark = .string("m-1")
        sweep.fullSweepNeeded = true
        let result5 = sweep.plan(now: clock.now, followingChanges: false)
        #expect(result5?.restarts == true)
        #expect(!sweep.fullSweepNeeded, "the request is consumed")
        sweep.watermark = .string("m-1")
        clock.advance(by: -601)
        let result6 = sweep.plan(now: clock.now, followingChanges: false)
        #expect(result6?.restarts == true, "a wall clock set back by more than the period")
    }

    @Test func accountingQueuesNewIdsAndStopsTheWatermarkWhereTheQueueFilled() {
        var sweep = SweepState()
        var pending: Set<String> = ["z-2"]
        let page = SweepPage(
            ids: [.string("z-1"), .string("z-2"), .string("z-3"), .string("z-4")],
            scannedThrough: .string("z-9"),
            reachedEnd: false
        )
        let accounting = sweep.account(page, after: nil, pending: &pending, capacity: 3)
        #expect(accounting.queued == ["z-1", "z-3"])
        #expect(accounting.watermark == .string("z-3"), "up to the last id accounted for before the queue filled")
        #expect(pending == ["z-1", "z-2", "z-3"])
        var roomy = SweepState()
        var none: Set<String> = []
        let all = roomy.account(page, after: nil, pending: &none, capacity: 100)
        #expect(all.queued.count == 4 && all.watermark == .string("z-9"), "up to where the scan got")
    }

    @Test func anEmptyScanKeepsTheWatermark() {
        var sweep = SweepState(watermark: .string("m-5"))
        var pending: Set<String> = []
        let page = SweepPage(ids: [], scannedThrough: nil, reachedEnd: true)
        let accounting = sweep.account(page, after: .string("m-5"), pending: &pending, capacity: 10)
        #expect(accounting.watermark == .string("m-5"))
    }

    @Test func theDurablePositionTrailsTheWatermarkUntilEveryQueuedIdHasLeft() {
        var sweep = SweepState()
        var pending: Set<String> = ["b"]
        let first = SweepPage(ids: [.string("a"), .string("b")], scannedThrough: .string("c"), reachedEnd: false)
        _ = sweep.account(first, after: nil, pending: &pending, capacity: 100)
        let second = SweepPage(ids: [.string("d")], scannedThrough: .string("e"), reachedEnd: true)
        _ = sweep.account(second, after: .string("c"), pending: &pending, capacity: 100)
        #expect(sweep.watermark == .string("e") && sweep.durablePosition == nil)
        sweep.finished("d")
        #expect(sweep.durablePosition == nil, "the first step still has a and b queued")
        sweep.finished("a")
        sweep.finished("zz")  // not the sweep's: ignored
        #expect(sweep.durablePosition == nil)
        sweep.finished("b")  // queued by a trigger before the sweep saw it: it held the position too
        #expect(sweep.durablePosition == .string("e") && sweep.steps.isEmpty)
        // A page with nothing queued moves the position at once.
        let empty = SweepPage(ids: [], scannedThrough: .string("g"), reachedEnd: true)
        _ = sweep.account(empty, after: .string("e"), pending: &pending, capacity: 100)
        #expect(sweep.durablePosition == .string("g"))
    }

    @Test func resumingFromASavedPositionGoesOnFromItAndAPassFromTheStartForgetsIt() {
        let clock = ManualClock()
        var sweep = SweepState(fullSweepSeconds: 600)
        sweep.resume(from: .string("m-40"), now: clock.now)
        #expect(
            sweep.plan(now: clock.now, followingChanges: false)
                == SweepState.Plan(after: .string("m-40"), restarts: false)
        )
        #expect(sweep.savedPosition == .string("m-40"))
        clock.advance(by: 600)
        #expect(sweep.plan(now: clock.now, followingChanges: false) == SweepState.Plan(after: nil, restarts: true))
        #expect(sweep.durablePosition == nil, "a pass from the start no longer vouches for anything")
        var fresh = SweepState(fullSweepSeconds: 600)
        fresh.resume(from: nil, now: clock.now)
        #expect(
            fresh.plan(now: clock.now, followingChanges: false)?.restarts == true,
            "no saved position: a pass from the first message"
        )
    }

    @Test func anOpenPassIsNeverThrownAwayAndARequestedPassStartsWhenItEnds() {
        let clock = ManualClock()
        var sweep = SweepState(fullSweepSeconds: 600)
        #expect(sweep.plan(now: clock.now, followingChanges: false)?.restarts == true)
        sweep.passOpen = true
        sweep.passIsFull = true
        sweep.watermark = .string("m-500000")
        sweep.fullSweepNeeded = true
        clock.advance(by: 900)
        let during = sweep.plan(now: clock.now, followingChanges: true)
        #expect(
            during == SweepState.Plan(after: .string("m-500000"), restarts: false),
            "neither the request nor the period restarts it"
        )
        #expect(sweep.fullSweepNeeded, "the request waits for the pass's end")
        sweep.passEnded(now: clock.now, completed: true)
        #expect(sweep.lastFullPassSeconds == 900)
        #expect(sweep.plan(now: clock.now, followingChanges: true)?.restarts == true)
        #expect(!sweep.fullSweepNeeded)
    }

    @Test func periodicPassesArePacedByTheLastPassLength() {
        let clock = ManualClock()
        var sweep = SweepState(fullSweepSeconds: 600)
        _ = sweep.plan(now: clock.now, followingChanges: false)
        sweep.passOpen = true
        sweep.passIsFull = true
        clock.advance(by: 300)
        sweep.passEnded(now: clock.now, completed: true)
        // Ten times 300 s after the pass started, not 600 s.
        clock.advance(by: 2_699)
        #expect(sweep.plan(now: clock.now, followingChanges: false)?.restarts == false)
        clock.advance(by: 1)
        #expect(sweep.plan(now: clock.now, followingChanges: false)?.restarts == true)
        // A failed pass does not set the pacing.
        sweep.passOpen = true
        sweep.passIsFull = true
        clock.advance(by: 50)
        sweep.passEnded(now: clock.now, completed: false)
        #expect(sweep.lastFullPassSeconds == 300 && !sweep.passOpen)
    }

    @Test func followingTheChangeStreamThereIsNoStepBetweenPasses() {
        let clock = ManualClock()
        var sweep = SweepState(fullSweepSeconds: 600)
        sweep.resume(from: .string("m-40"), now: clock.now)
        #expect(sweep.plan(now: clock.now, followingChanges: true) == nil)
        #expect(
            sweep.plan(now: clock.now, followingChanges: false)
                == SweepState.Plan(after: .string("m-40"), restarts: false)
        )
        clock.advance(by: 600)
        #expect(sweep.plan(now: clock.now, followingChanges: true)?.restarts == true, "periodic passes still run")
    }
}
