import ClusterdNetworking
import ClusterdTestSupport
import Foundation
import Testing

/// Loading and reloading a server's TLS files, with a CA made at run time.
@Suite("Server TLS context")
struct ServerTLSContextTests {
    @Test func loadsACertificateAndKeyAndNamesAFileThatDoesNotLoad() async throws {
        let ca = try await ThrowawayCA.make()
        let issued = try await ca.issueServer()
        let context = try ServerTLSContext(
            configuration: ServerTLSConfiguration(
                certificateFile: issued.certificateFile,
                keyFile: issued.keyFile,
                clientCAFile: ca.certificateFile
            )
        )
        #expect(context.configuration.clientCAFile == ca.certificateFile)
        for configuration in [
            ServerTLSConfiguration(certificateFile: "/nonexistent/cert.pem", keyFile: issued.keyFile),
            ServerTLSConfiguration(certificateFile: issued.certificateFile, keyFile: "/nonexistent/key.pem"),
            ServerTLSConfiguration(
                certificateFile: issued.certificateFile,
                keyFile: issued.keyFile,
                clientCAFile: "/nonexistent/ca.pem"
            ),
        ] {
            do {
                _ = try ServerTLSContext(configuration: configuration)
                Issue.record("\(configuration) loaded")
            } catch {
                #expect(error.message.contains("/nonexistent/"), "\(error)")
            }
        }
    }

    @Test func aReloadThatFailsKeepsTheContextAndOneThatLoadsSucceeds() async throws {
        let ca = try await ThrowawayCA.make()
        let first = try await ca.issueServer()
        let other = try await ca.issueServer()
        let directory = try TemporaryDirectory(prefix: "clusterd-tls-unit")
        let certificate = directory.path("cert.pem")
        let key = directory.path("key.pem")
        try FileManager.default.copyItem(atPath: first.certificateFile, toPath: certificate)
        try FileManager.default.copyItem(atPath: first.keyFile, toPath: key)
        let context = try ServerTLSContext(
            configuration: ServerTLSConfiguration(certificateFile: certificate, keyFile: key)
        )
        // A key that does not belong to the certificate: the reload fails, naming the file.
        try FileManager.default.removeItem(atPath: key)
        try FileManager.default.copyItem(atPath: other.keyFile, toPath: key)
        #expect(throws: TLSSetupError.self) { try context.reload() }
        _ = context.makeServerHandler()
        try FileManager.default.removeItem(atPath: certificate)
        try FileManager.default.copyItem(atPath: other.certificateFile, toPath: certificate)
        try context.reload()
    }
}
