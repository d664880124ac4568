import Testing

@testable import ClusterdCore

@Suite struct DotEnvTests {
    @Test func parsesCommentsQuotesAndExport() {
        let text = """
            # Background clustering settings
            BACKGROUND_CLUSTERING_ENABLED=true
            export CLUSTERING_MESSAGE_THRESHOLD = 1
            CLUSTERING_TIME_THRESHOLD_MINUTES=5 # eager development values
            CLUSTERD_TOKEN="a b#c"
            EMPTY=
            not a line
            """
        let values = DotEnv.parse(text)
        #expect(values["BACKGROUND_CLUSTERING_ENABLED"] == "true")
        #expect(values["CLUSTERING_MESSAGE_THRESHOLD"] == "1")
        #expect(values["CLUSTERING_TIME_THRESHOLD_MINUTES"] == "5")
        #expect(values["CLUSTERD_TOKEN"] == "a b#c")
        #expect(values["EMPTY"] == "")
        #expect(values.count == 5)
    }

    @Test func booleans() {
        #expect(DotEnv.bool("TRUE") == true)
        #expect(DotEnv.bool("0") == false)
        #expect(DotEnv.bool("maybe") == nil)
        #expect(DotEnv.bool(nil) == nil)
    }
}
