import ArgumentParser
import ClusterdRPC
import Foundation

/// Exit codes scripts can rely on: each wire status maps to its own sysexits-style code (one-to-one), and the
/// CLI's own outcomes have codes no wire status uses.
enum ExitCodes {
    /// `force --wait`: the run ended failed or abandoned.
    static let runFailed: Int32 = 1
    /// A command-line mistake (unknown option, bad --address); ArgumentParser's validation errors use it too.
    static let usage: Int32 = 64
    /// `force --wait`: the run did not end within --wait-timeout (as `timeout(1)`).
    static let waitTimedOut: Int32 = 124

    /// The exit code for a wire status.
    static func code(for status: RPCStatusCode) -> Int32 {
        switch status {
        case .ok: return 0
        case .invalidArgument: return 65  // EX_DATAERR
        case .notFound: return 66  // EX_NOINPUT
        case .unavailable: return 69  // EX_UNAVAILABLE
        case .internal: return 70  // EX_SOFTWARE
        case .resourceExhausted: return 75  // EX_TEMPFAIL
        case .unimplemented: return 76  // EX_PROTOCOL
        case .unauthenticated: return 77  // EX_NOPERM
        case .failedPrecondition: return 78  // EX_CONFIG
        }
    }

    /// Prints the error on stderr and returns the matching ExitCode.
    static func fail(_ error: Error) -> ExitCode {
        if let error = error as? RPCError {
            Terminal.writeError("clusterctl: \(error.message) (\(error.code))\n")
            return ExitCode(code(for: error.code))
        }
        Terminal.writeError("clusterctl: \(error)\n")
        return ExitCode(code(for: .internal))
    }

    /// Every exit code with its meaning, in --help and the README.
    static let table: [(code: Int32, meaning: String)] = [
        (0, "ok"),
        (runFailed, "force --wait: the run failed or was abandoned"),
        (usage, "usage error (bad option or address)"),
        (code(for: .invalidArgument), "invalid argument (INVALID_ARGUMENT: e.g. an empty or over-1024-byte id)"),
        (
            code(for: .notFound),
            "not found (NOT_FOUND: unknown run, no successful run yet, or a conversation with no cluster)"
        ),
        (code(for: .unavailable), "server unreachable or unavailable (UNAVAILABLE, connection refused or lost)"),
        (code(for: .internal), "internal error (INTERNAL)"),
        (code(for: .resourceExhausted), "queue full, try later (RESOURCE_EXHAUSTED)"),
        (code(for: .unimplemented), "the server does not know the call (UNIMPLEMENTED)"),
        (code(for: .unauthenticated), "unauthenticated: missing or wrong token (UNAUTHENTICATED)"),
        (code(for: .failedPrecondition), "failed precondition (FAILED_PRECONDITION: protocol version)"),
        (waitTimedOut, "force --wait: --wait-timeout passed before the run ended"),
    ]

    /// The table printed in --help.
    static let help: String =
        "Exit codes: " + table.map { "\($0.code) \($0.meaning)" }.joined(separator: "; ") + ". Errors go to stderr."
}
