# Barrage: `make run` compares gRPC servers on this machine (builtin, grpc-go, grpc-python);
# `make test` runs every test.
# Both install what they need on a fresh Debian machine first (apt-get; run as root or with sudo).

SWIFT ?= swift
BIN := .build/release/barrage
# Build and test needs (libssl-dev: OpenSSL for TLS, whose openssl CLI the TLS tests make CAs with;
# python3-protobuf and protoc write ProtoSchemaTests' expected bytes),
# then what the shipped recipes need (grpc-go from Debian's Go packages, grpc-python in a
# virtualenv from PyPI, rust-hyper from Debian's Rust crates, grpc-cpp from
# Debian's gRPC C++, grpc-java from Debian's jars), then h2load and GNU time for `make bench`,
# then Debian's chromium, in which the end-to-end tests render report.html. rust-hyper also
# needs cargo: rustup's (~/.cargo/bin) on this machine's image, else `apt-get install cargo`.
APT_PACKAGES := libuv1-dev libnghttp2-dev libyaml-dev zlib1g-dev libssl-dev openssl pkg-config python3 python3-venv python3-protobuf \
	golang-go golang-google-grpc-dev golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev \
	protobuf-compiler protoc-gen-go protoc-gen-go-grpc \
	librust-tokio-dev librust-hyper-dev librust-http-body-dev librust-tokio-rustls-dev librust-rustls-pemfile-dev \
	g++ libgrpc++-dev libprotobuf-dev protobuf-compiler-grpc \
	openjdk-17-jdk-headless libgrpc-java libnetty-java libnetty-tcnative-java libperfmark-java libguava-java libprotobuf-java \
	libgeronimo-annotation-1.3-spec-java protobuf-compiler-grpc-java-plugin \
	nghttp2-client time \
	openssh-server openssh-client iproute2 tar chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test unit lint format build deps bench bench-coordinator bench-pauses clean

# Installs only what is missing, so repeated runs cost nothing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --static-swift-stdlib --product barrage

run: build
	$(BIN) launch Topologies/grpc-local.yaml

# Unit tests of the pure modules and end-to-end tests that start real processes, on one
# debug build (the end-to-end tests run the debug `barrage` it makes).
# The end-to-end tests run after the unit tests, not beside them: they measure (open-loop
# lateness, CPU verdicts, capacity), and the unit suites' busy loops would be in their figures.
test: deps
	$(SWIFT) build --product barrage
	BARRAGE_BIN=$(CURDIR)/.build/debug/barrage $(SWIFT) test --skip EndToEndTests
	BARRAGE_BIN=$(CURDIR)/.build/debug/barrage $(SWIFT) test --filter EndToEndTests

# The unit tests only: no root, no network namespaces, no `barrage` binary (ProtoSchemaTests
# need protoc and python3-protobuf, from `make deps`). Skips the end-to-end tests (real
# processes, ssh hosts in namespaces) and the cgroup tests that write /sys/fs/cgroup
# (CgroupsRootTests); see CONTRIBUTING.md for what each suite needs.
unit:
	$(SWIFT) test --skip EndToEndTests --skip 'CgroupsRootTests\.'

# The formatter's rules (.swift-format; swift-format ships with the toolchain) as a check;
# `make format` rewrites the files to them.
FORMATTED := Package.swift Sources Tests
lint:
	$(SWIFT) format lint --strict --parallel --recursive $(FORMATTED)

format:
	$(SWIFT) format --in-place --parallel --recursive $(FORMATTED)

# Barrage's load generator vs h2load, each pinned to its own core against the builtin server on
# the other (client CPU per call, req/s, peak RSS; 100 × 10, 10,000 × 1, TLS), then both against
# one grpc-go server; record the output in BENCHMARKS.md (bench/bench.py says what each figure is).
bench: build
	python3 bench/bench.py

# The coordinator's own CPU, memory and end-of-cell time at 10, 50 and 200 client workers on
# this machine (builtin server, so no recipe build); record the output in BENCHMARKS.md.
# Not part of `make bench`: it answers another question (does the control plane scale?) and
# needs neither h2load nor grpc-go.
bench-coordinator: build
	python3 bench/coordinator_scale.py

# Barrage's server pauses beside a real collector's own log on the same run: a Serial-GC JVM
# (-Xlog:gc on the monotonic clock Barrage's marks use), then grpc-go under GOGC=1 (gctrace's
# stop-the-world phases). Needs OpenJDK (javac) and the grpc-go recipe's build.
bench-pauses: build
	python3 bench/gc_pauses.py --go

clean:
	rm -rf .build results
