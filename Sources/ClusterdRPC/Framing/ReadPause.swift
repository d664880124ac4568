/// An outbound user event the connection handler sends toward the socket when it stops passing reads on (calls in
/// flight at the limit, a peer that does not read its replies, frames held back) and when it starts again, so the
/// frame deadline does not count time the server itself held the bytes back.
enum ReadPause: Sendable, Equatable {
    /// The server stopped reading this connection.
    case paused
    /// The server reads this connection again.
    case resumed
}
