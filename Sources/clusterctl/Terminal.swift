import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the terminal can show, decided once per command: colour only when stdout is a terminal (or `--color
/// always`), and never with `NO_COLOR` set or `TERM=dumb`; a live progress line only when stderr is a terminal.
struct Terminal {
    /// ANSI styles used by the tables.
    enum Style: String {
        case bold = "1"
        case dim = "2"
        case red = "31"
        case green = "32"
        case yellow = "33"
        case cyan = "36"
    }

    /// Whether `paint` adds colour.
    let color: Bool
    /// Whether stderr can take a line that redraws itself (a terminal that is not `dumb`).
    let liveStderr: Bool

    init(mode: ColorMode, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let dumb = environment["TERM"] == "dumb"
        let vetoed = !(environment["NO_COLOR"] ?? "").isEmpty || dumb
        switch mode {
        case .never: color = false
        case .always: color = !vetoed
        case .auto: color = !vetoed && isatty(STDOUT_FILENO) != 0
        }
        liveStderr = !dumb && isatty(STDERR_FILENO) != 0
    }

    /// `text` wrapped in the styles' escape codes, or unchanged without colour.
    func paint(_ text: String, _ styles: Style...) -> String {
        guard color, !styles.isEmpty, !text.isEmpty else { return text }
        return "\u{1B}[" + styles.map(\.rawValue).joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }

    /// The colour of a run status: green succeeded, red failed or abandoned, yellow skipped, cyan running.
    func runStatus(_ status: String) -> String {
        switch status {
        case "succeeded": return paint(status, .green)
        case "failed", "abandoned": return paint(status, .red, .bold)
        case "skipped": return paint(status, .yellow)
        case "running": return paint(status, .cyan)
        default: return status
        }
    }

    /// Writes to stderr (errors, progress), unbuffered.
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// `--color auto|always|never`.
enum ColorMode: String, ExpressibleByArgument, CaseIterable {
    case auto
    case always
    case never
}
