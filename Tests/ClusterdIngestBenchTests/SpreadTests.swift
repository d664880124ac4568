import Testing

@testable import clusterd_ingest_bench

@Suite struct SpreadTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(Spread([3, 1, 2]).median == 2)
        #expect(Spread([4, 1, 3, 2]).median == 2.5)
    }

    @Test func textShowsTheRangeOnlyForRounds() {
        let spread = Spread([90, 100, 110])
        #expect(spread.text("%.0f", rounds: 1) == "100")
        #expect(spread.text("%.0f", rounds: 3) == "100 (90–110, ±10%)")
    }
}
