import ClusterdCore
import Testing

@testable import ClusterdService

/// When the change follower saves its position, and how it admits an inserted message; pure, with the time in hand.
struct ChangeTokenCheckpointTests {
    let a = ChangeStreamToken("a")
    let b = ChangeStreamToken("b")
    let c = ChangeStreamToken("c")

    @Test func savesAboutOnceASecondWhileEventsArriveNotPerEvent() {
        var checkpoint = ChangeTokenCheckpoint(saved: nil, now: 0)
        #expect(checkpoint.handedOver(3, token: a, now: 0.2) == nil, "within a second of the last save")
        #expect(checkpoint.handedOver(2, token: b, now: 0.6) == nil)
        #expect(checkpoint.unsaved == b && checkpoint.unsavedEvents == 5)
        #expect(checkpoint.handedOver(1, token: c, now: 1.1) == c)
        checkpoint.didSave(c, now: 1.1)
        #expect(checkpoint.unsaved == nil && checkpoint.unsavedEvents == 0)
        #expect(checkpoint.handedOver(0, token: c, now: 5) == nil, "nothing new")
    }

    @Test func aThousandEventsMakeASaveDueAtOnce() {
        var checkpoint = ChangeTokenCheckpoint(saved: a, now: 0)
        #expect(checkpoint.handedOver(999, token: b, now: 0.1) == nil)
        #expect(checkpoint.handedOver(1, token: c, now: 0.2) == c)
    }

    @Test func anIdleStreamSavesItsMovingPositionOnceAMinute() {
        var checkpoint = ChangeTokenCheckpoint(saved: a, now: 0)
        #expect(checkpoint.handedOver(0, token: b, now: 30) == nil)
        #expect(checkpoint.handedOver(0, token: nil, now: 59) == nil)
        #expect(checkpoint.handedOver(0, token: nil, now: 61) == b)
    }

    @Test func resetForgetsEveryPosition() {
        var checkpoint = ChangeTokenCheckpoint(saved: a, now: 0)
        _ = checkpoint.handedOver(1, token: b, now: 0.5)
        checkpoint.reset()
        #expect(checkpoint.latest == nil && checkpoint.saved == nil && checkpoint.unsaved == nil)
    }

    @Test func changeAdmissionDedupesWaitsOnAFullQueueAndCountsNoTrigger() {
        var state = ServiceState()
        #expect(state.admitChange(messageID: "a", enabled: true, queueCapacity: 2) == .queued)
        #expect(state.admitChange(messageID: "a", enabled: true, queueCapacity: 2) == .skipped)
        #expect(state.admit(messageID: "a", enabled: true, queueCapacity: 2) == .already, "a trigger finds it pending")
        #expect(state.admitChange(messageID: "b", enabled: true, queueCapacity: 2) == .queued)
        #expect(state.admitChange(messageID: "c", enabled: true, queueCapacity: 2) == .full)
        #expect(!state.sweep.fullSweepNeeded, "waited out, not refused")
        #expect(state.admitChange(messageID: "d", enabled: false, queueCapacity: 2) == .skipped)
        state.stopping = true
        #expect(state.admitChange(messageID: "e", enabled: true, queueCapacity: 2) == .stopping)
        #expect(state.triggersTotal == 1 && state.pending == ["a", "b"])
    }
}
