import Testing

@testable import clusterd_ingest_bench

@Suite struct IngestCorpusTests {
    @Test func messageIDsSortInInsertionOrder() {
        let ids = [0, 9, 10, 99_999, 1_000_000].map { IngestCorpus.messageID("msg", $0) }
        #expect(ids == ids.sorted())
        #expect(ids[0] == "msg-00000000")
    }
}
