import Foundation

/// Chromium (the Debian package) run headless on a `file://` page: the DOM after the page's script ran, a screenshot,
/// and the network log of what the page asked for.
struct HeadlessChromium {
    /// The browser binary.
    let executable: URL

    /// `$CHROMIUM_BIN`, else the first of chromium, chromium-browser, google-chrome on the PATH; nil when none.
    static func find() -> HeadlessChromium? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["CHROMIUM_BIN"], FileManager.default.isExecutableFile(atPath: explicit) {
            return HeadlessChromium(executable: URL(fileURLWithPath: explicit))
        }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for directory in directories {
                let path = directory + "/" + name
                if FileManager.default.isExecutableFile(atPath: path) {
                    return HeadlessChromium(executable: URL(fileURLWithPath: path))
                }
            }
        }
        return nil
    }

    /// True when the test must run (CI is set): a missing browser is then a failure, not a skip.
    static var required: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// The flags every run uses: headless, as root, and with the browser's own background traffic switched off.
    static let baseArguments = [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
        "--hide-scrollbars", "--window-size=1400,1000",
    ]

    /// Runs the browser on `page` with `arguments` and the profile directory `profile` (removed afterwards); its
    /// standard output and the wall time in seconds.
    func run(_ arguments: [String], page: URL, profile: URL) throws -> (output: String, seconds: Double) {
        let process = Process()
        process.executableURL = executable
        process.arguments = Self.baseArguments + ["--user-data-dir=\(profile.path)"] + arguments + [page.absoluteString]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        defer { try? FileManager.default.removeItem(at: profile) }
        let started = Date()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), Date().timeIntervalSince(started))
    }

    /// The URLs the page's documents asked the network stack for, from a net log (`--log-net-log`): URL requests
    /// with a document initiator or a `file://` isolation key. The browser's own requests ("not an origin", e.g. an
    /// update check) are not the page's and are left out.
    static func pageRequests(netLog: URL) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: netLog))
        guard let log = object as? [String: Any], let constants = log["constants"] as? [String: Any],
            let types = constants["logEventTypes"] as? [String: Int], let startJob = types["URL_REQUEST_START_JOB"],
            let events = log["events"] as? [[String: Any]]
        else { return ["<unreadable net log>"] }
        var urls: [String] = []
        for event in events where event["type"] as? Int == startJob {
            guard let parameters = event["params"] as? [String: Any], let url = parameters["url"] as? String else {
                continue
            }
            let initiator = parameters["initiator"] as? String ?? ""
            let isolation = parameters["network_isolation_key"] as? String ?? ""
            if initiator != "not an origin" || isolation.contains("file://") { urls.append(url) }
        }
        return urls
    }
}
