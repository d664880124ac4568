import ArgumentParser
import ClusterdCore
import ClusterdServer
import Logging

/// The clusterd server executable: reads flags and settings, then runs `ClusterdApplication`.
@main
struct Clusterd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterd",
        abstract: "Analyses chat messages in the background and clusters conversations by topic.",
        discussion: SettingsCatalog.helpText,
        version: ClusterdVersion.current
    )

    @Option(help: "Address to listen on, host:port (overrides CLUSTERD_LISTEN).")
    var listen: String?

    @Option(name: .customLong("mongodb-uri"), help: "MongoDB connection string (overrides MONGODB_URI).")
    var mongodbURI: String?

    @Option(
        name: .customLong("token-file"),
        help: "Read the token from this file (overrides CLUSTERD_TOKEN_FILE and CLUSTERD_TOKEN)."
    )
    var tokenFile: String?

    @Option(help: "Path of the .env file to read.")
    var envFile: String = ".env"

    @Option(help: "Write the bound port to this file once listening (useful with port 0).")
    var portFile: String?

    @Option(help: "Address of the HTTP gateway, host:port or port (overrides CLUSTERD_HTTP_LISTEN).")
    var httpListen: String?

    @Option(help: "Write the HTTP gateway's bound port to this file once listening.")
    var httpPortFile: String?

    @Option(help: "Log level: debug, info, warning, error.")
    var logLevel: String = "info"

    @Flag(help: "Print the configuration keys as the README's Markdown table and exit.")
    var settingsMarkdown = false

    func run() async throws {
        if settingsMarkdown {
            print(SettingsCatalog.markdown)
            return
        }
        let environment = ServerSettings.overriding(
            ServerSettings.mergedEnvironment(dotEnvPath: envFile),
            listen: listen,
            mongodbURI: mongodbURI,
            httpListen: httpListen,
            tokenFile: tokenFile
        )
        let settings: ServerSettings
        do {
            settings = try ServerSettings(environment: environment)
        } catch {
            throw ValidationError("\(error)")
        }
        try await ClusterdApplication.run(
            settings: settings,
            logLevel: Logger.Level(rawValue: logLevel.lowercased()) ?? .info,
            portFile: portFile,
            httpPortFile: httpPortFile
        )
    }
}
