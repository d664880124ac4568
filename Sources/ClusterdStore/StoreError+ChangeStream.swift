extension StoreError {
    /// The server cannot give change streams: a standalone server (40573 "The $changeStream stage is only
    /// supported on replica sets"). Waiting does not help; only a replica set (or mongos) has them.
    public var isChangeStreamUnsupported: Bool { mongocCode == 40573 }

    /// The server cannot resume a change stream from the token it was given: history lost (286, the oplog no longer
    /// holds it), an invalid token (260), a fatal change stream error (280) or a token it cannot parse (9). Start
    /// from now instead; what happened in between must be found another way.
    public var isChangeStreamTokenUnusable: Bool {
        guard code != .unavailable, let server = mongocCode else { return false }
        return [286, 260, 280, 9].contains(server)
    }
}
