import Foundation

/// Whether a process analyses a message now, from what `message_analyses` holds for it.
///
/// Claims carry an owner and an expiry, so several processes can share the work: a message another process has
/// claimed (and whose claim has not expired) is left to it; an expired claim (its owner died or hung) may be taken
/// over. A process's own claims (the same owner, for instance after a restart) are always its to take.
public struct AnalysisClaimRule: Sendable, Equatable {
    /// The embedder analyses must come from to count.
    public var embedder: String
    /// The concept provider's prompt version.
    public var promptVersion: String
    /// Other prompt versions an analysis may carry and still be up to date: Claude's, which the concept backlog
    /// writes over the local concepts (re-analysing would only bring the local ones back).
    public var upgradedPromptVersions: Set<String> = []
    /// This process's claim owner name.
    public var owner: String
    /// Attempts after which a message with no analysis is given up.
    public var maxAttempts: Int

    /// Creates a rule.
    public init(embedder: String, promptVersion: String, owner: String, maxAttempts: Int) {
        self.embedder = embedder
        self.promptVersion = promptVersion
        self.owner = owner
        self.maxAttempts = maxAttempts
    }

    /// What to do with one message.
    public enum Decision: Sendable, Equatable {
        /// Analyse it (claim it first); its attempt number.
        case analyse(attempt: Int)
        /// Already analysed with this embedder and prompt version: no work at all.
        case upToDate
        /// Another process holds a live claim on it.
        case claimedElsewhere
        /// No analysis after `maxAttempts` attempts: give it up (the number of attempts made).
        case giveUp(attempts: Int)
    }

    /// The decision for a message with `state` (nil: no analysis document) at `now`.
    public func decide(_ state: AnalysisState?, now: Date) -> Decision {
        guard let state else { return .analyse(attempt: 1) }
        if state.isAnalysed, state.embedder == embedder,
            state.promptVersion == promptVersion || upgradedPromptVersions.contains(state.promptVersion ?? "")
        {
            return .upToDate
        }
        if let claimOwner = state.claimOwner, claimOwner != owner, let expiry = state.claimExpiresAt, expiry > now {
            return .claimedElsewhere
        }
        // Only a message that was never analysed is given up: a stale analysis (another embedder or prompt) is
        // redone however often it was analysed before. A message failed because it was not found is not given up
        // here: triggered again (it exists now) it gets its attempts.
        if !state.isAnalysed, state.attempts >= maxAttempts {
            return .giveUp(attempts: state.attempts)
        }
        return .analyse(attempt: state.attempts + 1)
    }
}
