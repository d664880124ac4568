import ArgumentParser
import ClusterdRPC
import Foundation

/// sysexits-style exit codes, mapped one-to-one from wire status codes.
enum ExitCodes {
    /// The exit code for a wire status.
    static func code(for status: RPCStatusCode) -> Int32 {
        switch status {
        case .ok: return 0
        case .invalidArgument: return 64  // EX_USAGE
        case .notFound: return 66  // EX_NOINPUT
        case .resourceExhausted: return 75  // EX_TEMPFAIL
        case .failedPrecondition: return 65  // EX_DATAERR
        case .unimplemented: return 76  // EX_PROTOCOL
        case .internal: return 70  // EX_SOFTWARE
        case .unavailable: return 69  // EX_UNAVAILABLE
        case .unauthenticated: return 77  // EX_NOPERM
        }
    }

    /// Prints the error on stderr and returns the matching ExitCode.
    static func fail(_ error: Error) -> ExitCode {
        if let error = error as? RPCError {
            FileHandle.standardError.write(Data("clusterctl: \(error.message) (\(error.code))\n".utf8))
            return ExitCode(code(for: error.code))
        }
        FileHandle.standardError.write(Data("clusterctl: \(error)\n".utf8))
        return ExitCode(70)
    }

    /// The table printed in --help.
    static let help = """
        Exit codes: 0 ok; 64 invalid argument; 65 failed precondition; 66 not found; 69 server unreachable or \
        unavailable; 70 internal error; 75 queue full (try later); 76 unknown call; 77 unauthenticated.
        """
}
