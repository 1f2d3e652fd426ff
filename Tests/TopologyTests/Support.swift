import Testing

@testable import Topology

/// The full example from the file-format documentation.
let fullExample = """
    name: quick-local                 # required; [a-z0-9-]+
    hosts:                            # required; keys name the hosts used below
      local: {}                       # the coordinator's own machine, no SSH
      loadgen-1:
        ssh: bench@10.0.0.11:22       # user@host[:port]; port default 22
        identity: ~/.ssh/bench        # optional
        known_hosts: ~/.ssh/known_hosts   # optional
        address: 10.0.0.11            # optional: where clients reach servers on this host
    systems:                          # required: list, what is compared
      - name: builtin                 # label; [a-z0-9-]+ ; unique
        container: builtin            # a recipe name in Containers/, or "builtin"
        env: { GOMAXPROCS: "1" }      # optional map string->string
    server:
      host: local
      port: 0                         # 0 = any free port; 0..65535
      limits: { cpus: 1, memory: 512MiB }   # optional
    clients:                          # one or more groups (non-empty list)
      - host: local
        workers: 2                    # default 1, >= 1
        threads: 1                    # default 1, >= 1
    workload:
      protocol: grpc                  # tcp-echo | grpc   (required)
      call: unary                     # unary | stream; default unary
      payload: 64B                    # B, KiB, MiB
      connections: [100, 1000, 10000] # a single int or a list
      concurrency: 1                  # >= 1, default 1
      rate: max                       # max or "20000/s"
      warmup: 2s                      # ms, s, m
      duration: 10s                   # > 0; default 10s
      repeat: 1                       # >= 1, default 1

    """

/// The smallest valid file: everything optional left out.
let minimalExample = """
    name: min
    hosts:
      local:
    systems:
      - name: builtin
        container: builtin
    server:
      host: local
    clients:
      - host: local
    workload:
      protocol: tcp-echo
      payload: 1KiB
      connections: 10

    """

let knownContainers: Set<String> = ["nginx", "envoy"]

func parse(_ text: String) -> Result<Topology, TopologyErrors> {
    TopologyParser.parse(text: text, file: "t.yaml", knownContainers: knownContainers)
}

/// The diagnostics for a file that must fail; records an issue if it parsed.
func diagnostics(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [TopologyDiagnostic] {
    switch parse(text) {
    case .success:
        Issue.record("expected errors, but the file parsed", sourceLocation: sourceLocation)
        return []
    case .failure(let errors):
        return errors.diagnostics
    }
}

func diagnostics(bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [TopologyDiagnostic] {
    switch TopologyParser.parse(bytes: bytes, file: "t.yaml", knownContainers: knownContainers) {
    case .success:
        Issue.record("expected errors, but the bytes parsed", sourceLocation: sourceLocation)
        return []
    case .failure(let errors):
        return errors.diagnostics
    }
}

/// `minimalExample` with one line replaced (1-based), to make focused bad files.
func minimal(replacingLine line: Int, with replacement: String) -> String {
    minimalExample.replacingLine(line, with: replacement)
}

extension String {
    /// This text with line `line` (1-based) replaced by `text`.
    func replacingLine(_ line: Int, with text: String) -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[line - 1] = text
        return lines.joined(separator: "\n")
    }
}

/// The one diagnostic `text` gets; records an issue when it gets any other number of them.
func only(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TopologyDiagnostic? {
    let found = diagnostics(text, sourceLocation: sourceLocation)
    #expect(found.count == 1, "got:\n\(TopologyErrors(diagnostics: found))", sourceLocation: sourceLocation)
    return found.first
}
