/// TLS material that could not be loaded: which file, what it was for, and why.
public struct TLSSetupError: Error, CustomStringConvertible, Sendable {
    /// The whole message ("cannot load the TLS certificate /path: ...").
    public let message: String

    /// An error with `message`.
    public init(message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// Runs `body`, turning what it throws into an error naming `path` and what the file holds (`role`).
    static func naming<T>(_ path: String, _ role: String, _ body: () throws -> T) throws(TLSSetupError) -> T {
        do {
            return try body()
        } catch {
            throw TLSSetupError(message: "cannot load the TLS \(role) \(path): \(error)")
        }
    }
}
