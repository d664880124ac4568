/// Which page of a list call a client asks for: the token from the previous reply (empty for the first page) and
/// the most items it wants (0: the server's page size).
public struct PageRequest: Sendable, Equatable {
    /// Empty for the first page; else the previous reply's next page token.
    public var token: String
    /// Most items in the reply; 0 for the server's page size.
    public var size: UInt32

    /// Creates a page request (the first page at the server's size by default).
    public init(token: String = "", size: UInt32 = 0) {
        self.token = token
        self.size = size
    }
}
