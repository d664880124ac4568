import Foundation

/// A certificate authority made at run time with the `openssl` command (EC P-256 keys, valid for a day) in a
/// temporary directory removed with it: server certificates for 127.0.0.1 and localhost, client certificates, and
/// a second, unrelated CA for the "wrong CA" cases. Nothing is committed; every test run gets new keys.
public final class ThrowawayCA: Sendable {
    /// A certificate and its key, as PEM files.
    public struct Issued: Sendable {
        /// The certificate (PEM).
        public let certificateFile: String
        /// Its private key (PEM).
        public let keyFile: String
        /// Its serial number, as openssl prints it (upper-case hex).
        public let serial: String
        /// Its subject's common name.
        public let commonName: String
    }

    /// The CA's certificate (PEM): what clients trust, and what a server given it as client CA requires.
    public let certificateFile: String
    private let keyFile: String
    private let directory: TemporaryDirectory
    private let name: String

    /// A run of `openssl` that failed.
    public struct OpenSSLError: Error, CustomStringConvertible {
        /// The command and what it printed.
        public var description: String
    }

    /// Makes a new CA named `name`.
    public static func make(name: String = "clusterd test CA") async throws -> ThrowawayCA {
        let directory = try TemporaryDirectory(prefix: "clusterd-ca")
        let ca = ThrowawayCA(directory: directory, name: name)
        try await openssl([
            "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", ca.keyFile, "-out", ca.certificateFile, "-days", "1", "-subj", "/CN=\(name)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        return ca
    }

    private init(directory: TemporaryDirectory, name: String) {
        self.directory = directory
        self.name = name
        self.certificateFile = directory.path("ca.pem")
        self.keyFile = directory.path("ca.key")
    }

    /// A server certificate for 127.0.0.1, ::1 and localhost, with `serial` (hex) and common name `commonName`.
    public func issueServer(commonName: String = "clusterd", serial: String? = nil) async throws -> Issued {
        try await issue(
            commonName: commonName,
            serial: serial,
            extensions: [
                "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost", "extendedKeyUsage=serverAuth",
                "keyUsage=critical,digitalSignature",
            ]
        )
    }

    /// A client certificate.
    public func issueClient(commonName: String = "clusterd client") async throws -> Issued {
        try await issue(
            commonName: commonName,
            serial: nil,
            extensions: ["extendedKeyUsage=clientAuth", "keyUsage=critical,digitalSignature"]
        )
    }

    private func issue(commonName: String, serial: String?, extensions: [String]) async throws -> Issued {
        let stem = directory.path(UUID().uuidString)
        let serial = serial ?? String(UInt64.random(in: 1...UInt64(Int64.max)), radix: 16, uppercase: true)
        let extensionFile = "\(stem).ext"
        try extensions.joined(separator: "\n").write(toFile: extensionFile, atomically: true, encoding: .utf8)
        try await Self.openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            "\(stem).key", "-out", "\(stem).csr", "-subj", "/CN=\(commonName)",
        ])
        try await Self.openssl([
            "x509", "-req", "-in", "\(stem).csr", "-CA", certificateFile, "-CAkey", keyFile, "-set_serial",
            "0x\(serial)", "-days", "1", "-extfile", extensionFile, "-out", "\(stem).pem",
        ])
        return Issued(certificateFile: "\(stem).pem", keyFile: "\(stem).key", serial: serial, commonName: commonName)
    }

    /// Runs `openssl` with `arguments`; a failure throws with its output.
    private static func openssl(_ arguments: [String]) async throws {
        let output = try await ChildProcess.run("/usr/bin/openssl", arguments, timeout: .seconds(30))
        guard output.exitCode == 0 else {
            throw OpenSSLError(description: "openssl \(arguments.joined(separator: " ")): \(output.stderr)")
        }
    }
}
