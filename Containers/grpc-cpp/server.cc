// grpc-cpp Echo server for Barrage: serves bench.Echo (Containers/bench.proto) with gRPC C++'s
// callback API on $BARRAGE_HOST:$BARRAGE_PORT until SIGTERM or SIGINT. The build compiles it
// with the code protoc and grpc_cpp_plugin generate (bench.pb.h, bench.grpc.pb.h).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <grpcpp/grpcpp.h>

#include "bench.grpc.pb.h"

namespace {

// How long open calls get after SIGTERM before Shutdown cancels them: Barrage sends SIGKILL
// 2 s after SIGTERM, and clients may keep streams open.
constexpr auto kGracePeriod = std::chrono::seconds(1);

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "grpc-cpp: %s\n", message.c_str());
  std::exit(1);
}

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) Fail("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// h2 over TLS (gRPC C++'s own TLS: Debian builds it on OpenSSL; ALPN h2) when $BARRAGE_TLS_CERT
// and $BARRAGE_TLS_KEY name a PEM certificate chain and key; with $BARRAGE_TLS_CLIENT_CA too,
// clients must present a certificate of that CA (mutual TLS). Cleartext otherwise.
std::shared_ptr<grpc::ServerCredentials> Credentials(std::string* summary) {
  std::string cert = Env("BARRAGE_TLS_CERT", ""), key = Env("BARRAGE_TLS_KEY", "");
  if (cert.empty() && key.empty()) {
    *summary = "cleartext";
    return grpc::InsecureServerCredentials();
  }
  if (cert.empty() || key.empty()) Fail("BARRAGE_TLS_CERT and BARRAGE_TLS_KEY go together");
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({ReadFile(key), ReadFile(cert)});
  std::string client_ca = Env("BARRAGE_TLS_CLIENT_CA", "");
  if (!client_ca.empty()) {
    options.pem_root_certs = ReadFile(client_ca);
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    *summary = "mutual TLS";
  } else {
    *summary = "TLS";
  }
  return grpc::SslServerCredentials(options);
}

// One bidirectional stream: reads a message, writes it back, reads the next, until the client
// half-closes. The same Payload is the read target and the write source: one read or one write
// is outstanding at a time, never both.
class EchoStream final : public grpc::ServerBidiReactor<bench::Payload, bench::Payload> {
 public:
  EchoStream() { StartRead(&message_); }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or the call ended): end with OK
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&message_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the reply could not be written"));
      return;
    }
    StartRead(&message_);
  }

  void OnDone() override { delete this; }

 private:
  bench::Payload message_;
};

class EchoService final : public bench::Echo::CallbackService {
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const bench::Payload* request,
                                  bench::Payload* reply) override {
    reply->set_body(request->body());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerBidiReactor<bench::Payload, bench::Payload>* Stream(grpc::CallbackServerContext*) override {
    return new EchoStream();
  }
};

}  // namespace

int main() {
  std::string protocol = Env("BARRAGE_PROTOCOL", "grpc");
  if (protocol != "grpc") {
    std::fprintf(stderr, "grpc-cpp serves grpc only, not %s\n", protocol.c_str());
    return 2;
  }
  std::string host = Env("BARRAGE_HOST", "127.0.0.1");
  std::string port = Env("BARRAGE_PORT", "0");

  // Every thread gRPC starts inherits this mask, so only this thread sees SIGTERM and SIGINT.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::string address = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  EchoService service;
  grpc::ServerBuilder builder;
  int bound_port = 0;
  std::string tls_summary;
  builder.AddListeningPort(address, Credentials(&tls_summary), &bound_port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) Fail("cannot listen on " + address);
  // gRPC C++ 1.51 sizes its threads from the host's core count, not from anything this
  // program can pass (README.md: ResourceQuota::SetMaxThreads bounds only the synchronous
  // API's pool); $BARRAGE_CPUS is held by the cgroup CPU quota alone.
  std::fprintf(stderr, "grpc-cpp: listening on %s:%d (gRPC C++ %s, callback API; threads from the host's %ld cores; %s)\n",
               host.c_str(), bound_port, grpc::Version().c_str(), sysconf(_SC_NPROCESSORS_CONF), tls_summary.c_str());

  int caught = 0;
  sigwait(&stop_signals, &caught);
  std::fprintf(stderr, "grpc-cpp: %s: no new calls; open calls get %lld s\n", caught == SIGTERM ? "SIGTERM" : "SIGINT",
               static_cast<long long>(kGracePeriod.count()));
  server->Shutdown(std::chrono::system_clock::now() + kGracePeriod);
  server->Wait();
  std::fprintf(stderr, "grpc-cpp: stopped\n");
  return 0;
}
