import ClusterdCore
import Foundation
import Testing

/// Whether a message is analysed, from its stored state: the no-op re-trigger, stale analyses, claims, giving up.
struct AnalysisClaimRuleTests {
    let rule = AnalysisClaimRule(embedder: "minilm", promptVersion: "local-v1", owner: "a", maxAttempts: 3)
    let now = Date(timeIntervalSince1970: 1_736_544_600)

    @Test func aMessageWithNoDocumentIsAnalysedOnItsFirstAttempt() {
        #expect(rule.decide(nil, now: now) == .analyse(attempt: 1))
        #expect(rule.decide(AnalysisState(attempts: 1), now: now) == .analyse(attempt: 2))
    }

    @Test func anAnalysisByTheSameEmbedderAndPromptIsUpToDate() {
        let analysed = AnalysisState(attempts: 1, analyzedAt: now, embedder: "minilm", promptVersion: "local-v1")
        #expect(rule.decide(analysed, now: now) == .upToDate)
        var otherPrompt = analysed
        otherPrompt.promptVersion = "concepts-v1"
        #expect(rule.decide(otherPrompt, now: now) == .analyse(attempt: 2))
    }

    @Test func claudesUpgradedConceptsStayUpToDate() {
        var upgraded = AnalysisState(
            attempts: 1,
            analyzedAt: now,
            embedder: "minilm",
            promptVersion: "concepts-batch-v1"
        )
        #expect(rule.decide(upgraded, now: now) == .analyse(attempt: 2))
        var backlogRule = rule
        backlogRule.upgradedPromptVersions = ["concepts-batch-v1"]
        #expect(backlogRule.decide(upgraded, now: now) == .upToDate, "re-analysing would bring local concepts back")
        upgraded.embedder = "hashing-v1"
        #expect(backlogRule.decide(upgraded, now: now) == .analyse(attempt: 2))
    }

    @Test func aStaleAnalysisIsRedoneHoweverManyAttemptsItTook() {
        let stale = AnalysisState(attempts: 7, analyzedAt: now, embedder: "hashing-v1", promptVersion: "local-v1")
        #expect(rule.decide(stale, now: now) == .analyse(attempt: 8))
    }

    @Test func aNeverAnalysedMessageIsGivenUpAfterItsAttempts() {
        #expect(rule.decide(AnalysisState(attempts: 3), now: now) == .giveUp(attempts: 3))
        // Failed because it was not found (no attempt counted): triggered again, it gets its attempts.
        #expect(rule.decide(AnalysisState(attempts: 0, failed: true), now: now) == .analyse(attempt: 1))
    }

    @Test func anotherProcesssLiveClaimHoldsUntilItExpiresAndOurOwnNeverDoes() {
        let theirs = AnalysisState(attempts: 1, claimOwner: "b", claimExpiresAt: now.addingTimeInterval(60))
        #expect(rule.decide(theirs, now: now) == .claimedElsewhere)
        #expect(rule.decide(theirs, now: now.addingTimeInterval(60)) == .analyse(attempt: 2))
        var ours = theirs
        ours.claimOwner = "a"
        #expect(rule.decide(ours, now: now) == .analyse(attempt: 2), "our own claim, e.g. before a restart")
    }
}
