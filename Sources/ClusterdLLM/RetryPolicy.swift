import Foundation

/// Whether, and after how long, to try an HTTP request again.
///
/// Pure: the caller passes the attempt number, what happened, the current time and a random source, so decisions
/// are reproducible in tests. Backoff is exponential with full jitter (a uniform delay between zero and
/// `baseDelay · 2^(attempt−1)`, capped at `maxDelay`); a `retry-after` value, in seconds or as an HTTP-date, is
/// used instead when the response carries one, capped at `maxDelay`.
public struct RetryPolicy: Sendable {
    /// What to do after a failed attempt.
    public enum Decision: Sendable, Equatable {
        /// Try again after waiting this long.
        case retry(after: Duration)
        /// Do not try again: the outcome is final or the attempts are used up.
        case doNotRetry
    }

    /// Most attempts in all, the first included; at this many, ``Decision/doNotRetry``.
    public var maxAttempts: Int
    /// The backoff ceiling for the first retry; it doubles with each attempt.
    public var baseDelay: Duration
    /// No wait is longer than this, whether from backoff or from `retry-after`.
    public var maxDelay: Duration
    /// Statuses worth another attempt (timeouts, rate limits, server errors, Anthropic's 529 "overloaded").
    public var retryableStatuses: Set<Int>

    /// Creates a policy; every field has a default.
    public init(
        maxAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(30),
        retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504, 529]
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryableStatuses = retryableStatuses
    }

    /// Decides after attempt number `attempt` (1 for the first) returned `status`, with its `retry-after` value.
    public func decision(
        afterAttempt attempt: Int,
        status: Int,
        retryAfter: String?,
        now: Date,
        using random: inout some RandomNumberGenerator
    ) -> Decision {
        guard attempt < maxAttempts, retryableStatuses.contains(status) else {
            return .doNotRetry
        }
        if let retryAfter, let wait = Self.retryAfterDelay(retryAfter, now: now) {
            return .retry(after: min(wait, maxDelay))
        }
        return .retry(after: backoff(afterAttempt: attempt, using: &random))
    }

    /// Decides after attempt number `attempt` (1 for the first) returned `response`.
    public func decision(
        afterAttempt attempt: Int,
        response: HTTPResponse,
        now: Date,
        using random: inout some RandomNumberGenerator
    ) -> Decision {
        decision(
            afterAttempt: attempt,
            status: response.status,
            retryAfter: response.header("retry-after"),
            now: now,
            using: &random
        )
    }

    /// Decides after attempt number `attempt` (1 for the first) failed without a response.
    public func decision(
        afterAttempt attempt: Int,
        error: HTTPError,
        using random: inout some RandomNumberGenerator
    ) -> Decision {
        guard attempt < maxAttempts, error.isRetriable else {
            return .doNotRetry
        }
        return .retry(after: backoff(afterAttempt: attempt, using: &random))
    }

    /// A full-jitter delay: uniform in [0, min(maxDelay, baseDelay · 2^(attempt−1))).
    public func backoff(afterAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Self.nanoseconds(maxDelay)
        let base = Self.nanoseconds(baseDelay)
        let shift = max(attempt, 1) - 1
        let bound = shift >= 62 || base > ceiling >> shift ? ceiling : min(ceiling, base << shift)
        let fraction = Double(random.next() >> 11) * 0x1p-53  // 53 random bits in [0, 1)
        return .nanoseconds(Int64(Double(bound) * fraction))
    }

    /// A `retry-after` value as a wait from `now`: delay-seconds, or an HTTP-date (a past date means now).
    public static func retryAfterDelay(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) {
            return .seconds(Int64(trimmed) ?? Int64.max)
        }
        guard let date = HTTPDate.parse(trimmed) else {
            return nil
        }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : max(0, whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
