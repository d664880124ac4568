import ClusterdCore

/// When the change follower saves its resume token: only a token whose events were all handed over, after about a
/// second or 1,000 events since the last save (not per event), while idle once a minute (so a quiet collection's
/// saved position stays inside the server's history), and at shutdown. Time is the caller's monotonic seconds.
struct ChangeTokenCheckpoint {
    /// Least time between two saves while events arrive, seconds.
    var minimumInterval = 1.0
    /// Events that make a save due even within `minimumInterval`.
    var eventLimit = 1000
    /// Time after which a token that moved without events is saved, seconds.
    var idleInterval = 60.0
    /// The token saved last (or loaded at start).
    private(set) var saved: ChangeStreamToken?
    /// The newest token whose events were all handed over.
    private(set) var latest: ChangeStreamToken?
    /// Events handed over since the last save.
    private(set) var unsavedEvents = 0
    private var lastSave: Double

    /// Starts from the token loaded from the store (nil when none), at monotonic time `now`.
    init(saved: ChangeStreamToken?, now: Double) {
        self.saved = saved
        latest = saved
        lastSave = now
    }

    /// Records that `events` changes were handed over and the stream stands at `token`; returns the token to save
    /// now, or nil when no save is due.
    mutating func handedOver(_ events: Int, token: ChangeStreamToken?, now: Double) -> ChangeStreamToken? {
        if let token { latest = token }
        unsavedEvents += events
        guard let latest, latest != saved else { return nil }
        let elapsed = now - lastSave
        let due =
            unsavedEvents >= eventLimit || (unsavedEvents > 0 && elapsed >= minimumInterval)
            || elapsed >= idleInterval
        return due ? latest : nil
    }

    /// The token a clean shutdown saves: the latest one, unless it is saved already.
    var unsaved: ChangeStreamToken? {
        latest == saved ? nil : latest
    }

    /// `token` was saved at monotonic time `now`.
    mutating func didSave(_ token: ChangeStreamToken, now: Double) {
        saved = token
        unsavedEvents = 0
        lastSave = now
    }

    /// Forgets every position (the saved one could not be resumed from): the stream starts from now.
    mutating func reset() {
        saved = nil
        latest = nil
        unsavedEvents = 0
    }
}
