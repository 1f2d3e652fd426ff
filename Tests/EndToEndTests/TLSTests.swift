import Foundation
import Testing

extension EndToEnd {
    /// TLS with real peers: `tls: [false, true]` over the builtin server and recipes (Barrage's
    /// own per-run CA), and each way a TLS connection fails, in words, with the right exit code
    /// and no process left: a certificate of another CA, a name it does not carry, a server
    /// without ALPN h2, a plaintext server, a server that requires a client certificate.
    @Suite struct TLSTests {
        /// A CA and a server certificate for `names`, made with Debian's `openssl` in `folder`.
        struct Certificates {
            let ca: String, cert: String, key: String

            init(in folder: String, caName: String, names: [String] = ["localhost", "127.0.0.1"]) throws {
                let prefix = folder + "/" + caName.filter(\.isLetter)
                ca = prefix + "-ca.pem"
                cert = prefix + "-server.pem"
                key = prefix + "-server.key"
                let san = names.map { $0.first!.isNumber ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
                try TLSTests.openssl(
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=\(caName)", "-keyout", prefix + "-ca.key", "-out", ca)
                try TLSTests.openssl(
                    "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(names[0])",
                    "-keyout", key, "-out", prefix + ".csr")
                try "subjectAltName=\(san)\n".write(toFile: prefix + ".ext", atomically: true, encoding: .utf8)
                try TLSTests.openssl(
                    "x509", "-req", "-in", prefix + ".csr", "-CA", ca, "-CAkey", prefix + "-ca.key", "-CAcreateserial",
                    "-days", "1", "-extfile", prefix + ".ext", "-out", cert)
            }
        }

        static func openssl(_ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " "))")
        }

        /// A server process on `port` (127.0.0.1), stopped and reaped by `stop`.
        final class Peer {
            let process = Process()
            let port: Int

            init(_ executable: String, _ arguments: [String], port: Int, environment: [String: String] = [:]) throws {
                self.port = port
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                process.standardInput = FileHandle.nullDevice
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                // Listening once a TCP connect succeeds.
                _ = Harness.eventually(timeout: 10) { Harness.accepts(port: port) }
            }

            /// SIGKILL: `openssl s_server` was seen to sit through SIGTERM with a refused client.
            func stop() {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        /// The builtin gRPC server, over TLS with `certificates` (plaintext without).
        static func builtin(_ certificates: Certificates?) throws -> Peer {
            let port = Harness.freePort()
            var environment: [String: String] = [:]
            if let certificates {
                environment = ["BARRAGE_TLS_CERT": certificates.cert, "BARRAGE_TLS_KEY": certificates.key]
            }
            return try Peer(
                Harness.binary, ["serve", "--protocol", "grpc", "--port", String(port)], port: port, environment: environment)
        }

        /// `barrage load --tls` against `port` with `extra` arguments: its exit status and stderr.
        static func load(port: Int, _ extra: [String], in folder: String) throws -> (status: Int32, stderr: String) {
            let run = try Harness.run(
                ["load", "--target", "127.0.0.1:\(port)", "--connections", "2", "--warmup", "0.2", "--duration", "0.5", "--tls"]
                    + extra, in: folder, timeout: 60)
            return (run.status, run.stderr)
        }

        @Test func verifiedAgainstItsCACallsSucceedAndEachFailureIsNamed() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("tls-load")
            let right = try Certificates(in: folder, caName: "Right CA")
            let other = try Certificates(in: folder, caName: "Other CA")
            let server = try Self.builtin(right)
            defer { server.stop() }

            let ok = try Harness.run(
                [
                    "load", "--target", "127.0.0.1:\(server.port)", "--connections", "2", "--warmup", "0.2", "--duration",
                    "0.5", "--tls", "--ca", right.ca, "--json"
                ], in: folder, timeout: 60)
            #expect(ok.status == 0, "\(ok.stderr)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
            #expect((result["requests"] as? Int ?? 0) > 0, "\(ok.stdout)")

            let untrusted = try Self.load(port: server.port, ["--ca", other.ca], in: folder)
            #expect(untrusted.status == 1)
            #expect(
                untrusted.stderr.contains(
                    "tls-handshake: the server's certificate /CN=localhost issued by /CN=Right CA does not verify"),
                "\(untrusted.stderr)")

            let mismatch = try Self.load(port: server.port, ["--ca", right.ca, "--server-name", "ledger.test"], in: folder)
            #expect(mismatch.status == 1)
            #expect(
                mismatch.stderr.contains("tls-handshake: the server's certificate /CN=localhost does not name ledger.test"),
                "\(mismatch.stderr)")

            let plaintext = try Self.builtin(nil)
            defer { plaintext.stop() }
            let noTLS = try Self.load(port: plaintext.port, ["--ca", right.ca], in: folder)
            #expect(noTLS.status == 1)
            #expect(noTLS.stderr.contains("tls-handshake: the server answered without TLS"), "\(noTLS.stderr)")
            #expect(
                Harness.eventually(timeout: 2) {
                    Harness.barrageProcesses(
                        except: before.union([server.process.processIdentifier, plaintext.process.processIdentifier])
                    ).isEmpty
                },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        /// An external target over TLS: the topology's `tls: { ca, server_name }` files are what
        /// the clients verify against (not the run's own CA); another CA fails the cell in words.
        @Test func anExternalTargetIsVerifiedAgainstTheTopologysFiles() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("tls-external")
            let right = try Certificates(in: folder, caName: "Right CA", names: ["ledger.test", "127.0.0.1"])
            let other = try Certificates(in: folder, caName: "Other CA")
            let server = try Self.builtin(right)
            defer { server.stop() }
            func launch(ca: String, name: String) throws -> (status: Int32, stderr: String, cell: [String: Any]?) {
                let file = try Harness.topology(
                    """
                    name: \(name)
                    hosts: { local: {} }
                    systems: [ { name: staging, target: "127.0.0.1:\(server.port)" } ]
                    clients: [ { host: local } ]
                    workload:
                      protocol: grpc
                      connections: 2
                      warmup: 200ms
                      duration: 1s
                      tls: { ca: \(ca), server_name: ledger.test }
                    """, in: folder)
                let out = folder + "/" + name
                let run = try Harness.run(["launch", file, "--out", out, "--quiet"], in: folder)
                return (run.status, run.stderr, Harness.cells(try Harness.summary(out)).first)
            }
            let trusted = try launch(ca: right.ca, name: "trusted")
            #expect(trusted.status == 0, "\(trusted.stderr)")
            #expect(trusted.cell?["status"] as? String == "ok", "\(trusted.cell?["error"] ?? "")")
            #expect(trusted.cell?["tls"] as? Bool == true)
            #expect((trusted.cell?["requests"] as? Int ?? 0) > 0)
            let untrusted = try launch(ca: other.ca, name: "untrusted")
            #expect(untrusted.status == 1)
            let error = untrusted.cell?["error"] as? String ?? ""
            #expect(error.contains("tls-handshake") && error.contains("does not verify"), "\(error)")
            #expect(
                Harness.eventually(timeout: 2) {
                    Harness.barrageProcesses(except: before.union([server.process.processIdentifier])).isEmpty
                },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        @Test func aServerWithoutALPNh2OrRequiringAClientCertificateIsNamed() throws {
            let folder = try Harness.scratch("tls-openssl")
            let right = try Certificates(in: folder, caName: "Right CA")
            // OpenSSL's own test server: TLS without ALPN at all.
            let noALPNPort = Harness.freePort()
            let noALPN = try Peer(
                "/usr/bin/openssl", ["s_server", "-quiet", "-accept", String(noALPNPort), "-cert", right.cert, "-key", right.key],
                port: noALPNPort)
            defer { noALPN.stop() }
            let alpn = try Self.load(port: noALPNPort, ["--ca", right.ca], in: folder)
            #expect(alpn.status == 1)
            #expect(alpn.stderr.contains("tls-handshake: the server did not agree on ALPN h2"), "\(alpn.stderr)")

            // ALPN h2, but a client certificate signed by its CA is required (mutual TLS).
            let mutualPort = Harness.freePort()
            let mutual = try Peer(
                "/usr/bin/openssl",
                [
                    "s_server", "-quiet", "-accept", String(mutualPort), "-cert", right.cert, "-key", right.key, "-alpn", "h2",
                    "-Verify", "1", "-verify_return_error", "-CAfile", right.ca
                ], port: mutualPort)
            defer { mutual.stop() }
            let noCertificate = try Self.load(port: mutualPort, ["--ca", right.ca], in: folder)
            #expect(noCertificate.status == 1)
            #expect(noCertificate.stderr.contains("tls-handshake: the peer refused the handshake"), "\(noCertificate.stderr)")
            #expect(noCertificate.stderr.contains("does it require a client certificate?"), "\(noCertificate.stderr)")
        }

        /// `tls: [false, true]` on the builtin server and recipes: every cell ok without errors,
        /// the TLS cells named `-tls-` and recorded `tls: true`, and setting a connection up (TCP,
        /// handshake, first SETTINGS) takes longer with TLS. Connections retire every 100 calls
        /// so the window sees set-ups. No key is left behind.
        @Test func aTLSSweepRunsEverySystemPlainAndOverTLS() throws {
            let systems = ["builtin", "grpc-go", "grpc-python"]
            let before = Harness.barragePIDs()
            let leftBefore = Self.tlsFolders()
            let folder = try Harness.scratch("tls-sweep")
            let list = systems.map { "{ name: \($0), container: \($0) }" }.joined(separator: ", ")
            let file = try Harness.topology(
                """
                name: tls-sweep
                hosts: { local: {} }
                systems: [ \(list) ]
                server: { host: local }
                clients: [ { host: local } ]
                workload:
                  protocol: grpc
                  connections: 10
                  tls: [false, true]
                  connection: { requests: 100 }
                  warmup: 1s
                  duration: 3s
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder, timeout: 900)
            #expect(run.status == 0, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(results))
            #expect(
                cells.map { $0["id"] as? String ?? "" } == systems.map { "\($0)-plain-c10-r1" }
                    + systems.map { "\($0)-tls-c10-r1" })
            for cell in cells {
                let id = cell["id"] as? String ?? "?"
                #expect(cell["status"] as? String == "ok", "\(id): \(cell["error"] ?? "")")
                #expect(cell["errors"] as? Int == 0, "\(id): \(cell["errors_by_kind"] ?? "")")
                #expect((cell["requests"] as? Int ?? 0) > 100, "\(id)")
                #expect(cell["tls"] as? Bool == id.contains("-tls-"), "\(id)")
                #expect((cell["connections_opened"] as? Int ?? 0) > 0, "\(id)")
            }
            for system in systems {
                let plain = cells.first { $0["id"] as? String == "\(system)-plain-c10-r1" }
                let tls = cells.first { $0["id"] as? String == "\(system)-tls-c10-r1" }
                let plainP50 = (plain?["connect_us"] as? [String: Any])?["p50"] as? Int ?? 0
                let tlsP50 = (tls?["connect_us"] as? [String: Any])?["p50"] as? Int ?? 0
                #expect(plainP50 > 0 && tlsP50 > plainP50, "\(system): connect p50 plain \(plainP50) µs, TLS \(tlsP50) µs")
            }
            let html = try String(contentsOfFile: results + "/report.html", encoding: .utf8)
            #expect(html.contains("plaintext h2 against h2 over TLS"))
            #expect(Self.tlsFolders().subtracting(leftBefore).isEmpty, "TLS key folders left behind")
            #expect(
                Harness.eventually(timeout: 2) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        /// A recipe that ignores `BARRAGE_TLS_CERT` and serves plaintext fails its TLS cell with
        /// the handshake's words (exit 1), while its plaintext cell is ok; nothing is left running.
        @Test func aRecipeServingPlaintextFailsItsTLSCellInWords() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("tls-plain-recipe")
            let recipe = folder + "/Containers/plain-only"
            try FileManager.default.createDirectory(atPath: recipe, withIntermediateDirectories: true)
            try """
            #!/bin/sh
            # \(Harness.testServerMarker)
            unset BARRAGE_TLS_CERT BARRAGE_TLS_KEY
            exec \(Harness.binary) serve --protocol grpc --host "$BARRAGE_HOST" --port "$BARRAGE_PORT"
            """.write(toFile: recipe + "/run", atomically: true, encoding: .utf8)
            chmod(recipe + "/run", 0o755)
            let file = try Harness.topology(
                """
                name: tls-plain-recipe
                hosts: { local: {} }
                systems: [ { name: plain-only, container: plain-only } ]
                server: { host: local }
                clients: [ { host: local } ]
                workload: { protocol: grpc, connections: 2, tls: [false, true], warmup: 0s, duration: 1s }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(
                ["launch", file, "--out", results, "--quiet", "--containers", folder + "/Containers"], in: folder, timeout: 120)
            #expect(run.status == 1, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(results))
            #expect(cells.map { $0["status"] as? String } == ["ok", "failed"])
            let error = cells.last?["error"] as? String ?? ""
            #expect(error.contains("tls-handshake: the server answered without TLS"), "\(error)")
            #expect(
                Harness.eventually(timeout: 2) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        /// The private folders workers write certificates and keys into.
        static func tlsFolders() -> Set<String> {
            let base = NSTemporaryDirectory()
            let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
            return Set(names.filter { $0.hasPrefix("barrage-tls-") }.map { base + $0 })
        }
    }
}
