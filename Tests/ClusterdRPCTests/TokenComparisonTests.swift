import Testing

@testable import ClusterdRPC

@Suite struct TokenComparisonTests {
    @Test func equalTokensMatch() {
        #expect(TokenComparison.constantTimeEquals("s3cret", "s3cret"))
        #expect(TokenComparison.constantTimeEquals("", ""))
    }

    @Test func differentTokensDoNotMatch() {
        #expect(!TokenComparison.constantTimeEquals("s3cret", "s3creT"))
        #expect(!TokenComparison.constantTimeEquals("s3cret", "s3cret2"))
        #expect(!TokenComparison.constantTimeEquals("", "x"))
    }
}
