import Testing

@testable import ClusterdService

/// The clustering lane's state machine: forces coalesce into one queued run or one follow-up, a run's end
/// queues the follow-up unless the service is stopping.
struct ClusteringLaneStateTests {
    @Test func aForceOnAnIdleLaneStartsARunAndASecondFindsItQueued() {
        var lane = ClusteringLaneState.idle
        let result1 = lane.force()
        #expect(result1 == .start)
        #expect(lane == .queued && lane.isBusy && !lane.isRunning && lane.stage == "queued")
        let result2 = lane.force()
        #expect(result2 == .alreadyQueued)
        let result3 = lane.scheduleAutomatic()
        #expect(!result3, "an automatic run does not queue a second one")
        #expect(ClusteringLaneState.reply(to: .alreadyQueued).message.contains("already queued"))
        #expect(
            ClusteringLaneState.reply(to: .start)
                == ForceResult(started: true, followUpQueued: false, message: "clustering started")
        )
    }

    @Test func forcesDuringARunQueueExactlyOneFollowUp() {
        var lane = ClusteringLaneState.queued
        lane.begin()
        #expect(lane == .running(stage: "starting", progress: 0, followUp: false))
        lane.advance(to: "clustering", progress: 0.5)
        #expect(lane.stage == "clustering" && lane.progress == 0.5 && !lane.followUpQueued)
        let result4 = lane.force()
        #expect(result4 == .followUpQueued(already: false))
        let result5 = lane.force()
        #expect(result5 == .followUpQueued(already: true))
        #expect(lane.followUpQueued && lane.stage == "clustering", "a force keeps the stage")
        lane.advance(to: "writing", progress: 0.85)
        #expect(lane.followUpQueued, "a stage keeps the follow-up")
        let result6 = lane.finish(stopping: false)
        #expect(result6 == .runFollowUp)
        #expect(lane == .queued)
        lane.begin()
        #expect(!lane.followUpQueued, "the follow-up consumed the request")
        let result7 = lane.finish(stopping: false)
        #expect(result7 == .checkTriggers)
        #expect(lane == .idle && !lane.isBusy && lane.stage == "" && lane.progress == 0)
        let reply = ClusteringLaneState.reply(to: .followUpQueued(already: false))
        #expect(!reply.started && reply.followUpQueued && reply.message.contains("one follow-up run is queued"))
    }

    @Test func aStoppingServiceDropsTheFollowUp() {
        var lane = ClusteringLaneState.running(stage: "naming", progress: 0.8, followUp: true)
        let result8 = lane.finish(stopping: true)
        #expect(result8 == .checkTriggers)
        #expect(lane == .idle)
    }

    @Test func anAutomaticRunQueuesOnlyOnAnIdleLane() {
        var lane = ClusteringLaneState.idle
        let result9 = lane.scheduleAutomatic()
        #expect(result9)
        #expect(lane == .queued)
        lane.advance(to: "clustering", progress: 0.3)
        #expect(lane == .queued, "a stage before the run starts is ignored")
        lane.begin()
        let result10 = lane.scheduleAutomatic()
        #expect(!result10)
    }
}
