import Testing

@testable import ClusterdService

/// Trigger admission and the analysis backlog, on a bare state.
struct TriggerAdmissionTests {
    @Test func admissionCountsDedupesAndRefusesAFullQueue() {
        var state = ServiceState()
        let result1 = state.admit(messageID: "a", enabled: true, queueCapacity: 2)
        #expect(result1 == .queued(1))
        let result2 = state.admit(messageID: "a", enabled: true, queueCapacity: 2)
        #expect(result2 == .already)
        let result3 = state.admit(messageID: "b", enabled: true, queueCapacity: 2)
        #expect(result3 == .queued(2))
        #expect(!state.sweep.fullSweepNeeded)
        let result4 = state.admit(messageID: "c", enabled: true, queueCapacity: 2)
        #expect(result4 == .refused(2))
        #expect(state.sweep.fullSweepNeeded, "a refused id may sit below the watermark")
        #expect(state.triggersTotal == 4 && state.triggersRefused == 1)
        let result5 = state.admit(messageID: "d", enabled: false, queueCapacity: 2)
        #expect(result5 == .recorded)
        state.stopping = true
        let result6 = state.admit(messageID: "e", enabled: true, queueCapacity: 2)
        #expect(result6 == .stopping)
        #expect(state.triggersTotal == 6 && state.pending == ["a", "b"])
    }

    @Test func batchesTakeTheOldestAndRetriesStayPending() {
        var state = ServiceState()
        state.pending = ["a", "b", "c"]
        state.analysisBacklog = [("a", 0), ("b", 0), ("c", 1)]
        let batch = state.takeAnalysisBatch(limit: 2)
        #expect(batch.map(\.messageID) == ["a", "b"] && state.inFlight == 2)
        let result7 = state.takeAnalysisBatch(limit: 0)
        #expect(result7.map(\.messageID) == ["c"], "at least one")
        let result8 = state.takeAnalysisBatch(limit: 5)
        #expect(result8.isEmpty)
        let result9 = state.finishAnalysis("a", retried: false)
        #expect(result9)
        let result10 = state.finishAnalysis("b", retried: true)
        #expect(!result10)
        #expect(state.pending == ["b", "c"] && state.inFlight == 1)
    }
}
