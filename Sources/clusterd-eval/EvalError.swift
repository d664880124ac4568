/// A clusterd-eval failure with a message for the user.
struct EvalError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
