// grpc-go Echo server for Barrage: serves bench.Echo (Containers/bench.proto) on
// $BARRAGE_HOST:$BARRAGE_PORT until SIGTERM. The build copies this file into a GOPATH
// beside the code protoc generates (package barrage/grpc-go-echo/bench).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"barrage/grpc-go-echo/bench"
)

// How long in-flight calls get to finish after SIGTERM before the server closes every
// connection. Barrage sends SIGKILL 2 s after SIGTERM, and clients may hold streams open.
const gracePeriod = time.Second

type echoServer struct {
	bench.UnimplementedEchoServer
}

func (echoServer) Unary(_ context.Context, request *bench.Payload) (*bench.Payload, error) {
	return request, nil
}

func (echoServer) Stream(stream bench.Echo_StreamServer) error {
	for {
		message, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := stream.Send(message); err != nil {
			return err
		}
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "grpc-go: "+format+"\n", args...)
	os.Exit(1)
}

// applyCPULimit sets GOMAXPROCS to ceil($BARRAGE_CPUS) unless GOMAXPROCS is set already.
func applyCPULimit() string {
	if value, ok := os.LookupEnv("GOMAXPROCS"); ok && value != "" {
		return "from GOMAXPROCS"
	}
	text := os.Getenv("BARRAGE_CPUS")
	if text == "" {
		return "all cores"
	}
	cpus, err := strconv.ParseFloat(text, 64)
	if err != nil || !(cpus > 0) || math.IsInf(cpus, 0) {
		fail("BARRAGE_CPUS must be a number of cores greater than 0, such as 1 or 0.5, not %q", text)
	}
	runtime.GOMAXPROCS(int(math.Ceil(cpus)))
	return "BARRAGE_CPUS=" + text
}

// tlsOptions: h2 over TLS (Go's crypto/tls, TLS 1.2 and 1.3, ALPN h2 set by grpc-go's
// credentials) when $BARRAGE_TLS_CERT and $BARRAGE_TLS_KEY name a PEM certificate chain and key;
// with $BARRAGE_TLS_CLIENT_CA too, clients must present a certificate of that CA (mutual TLS).
func tlsOptions() ([]grpc.ServerOption, string) {
	certFile, keyFile := os.Getenv("BARRAGE_TLS_CERT"), os.Getenv("BARRAGE_TLS_KEY")
	if certFile == "" && keyFile == "" {
		return nil, "cleartext"
	}
	if certFile == "" || keyFile == "" {
		fail("BARRAGE_TLS_CERT and BARRAGE_TLS_KEY go together")
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		fail("cannot load %s and %s: %v", certFile, keyFile, err)
	}
	config := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	summary := "TLS (crypto/tls)"
	if clientCA := os.Getenv("BARRAGE_TLS_CLIENT_CA"); clientCA != "" {
		pem, err := os.ReadFile(clientCA)
		if err != nil {
			fail("cannot read %s: %v", clientCA, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			fail("no certificate in %s", clientCA)
		}
		config.ClientCAs = pool
		config.ClientAuth = tls.RequireAndVerifyClientCert
		summary = "mutual TLS (crypto/tls)"
	}
	return []grpc.ServerOption{grpc.Creds(credentials.NewTLS(config))}, summary
}

func main() {
	if protocol := os.Getenv("BARRAGE_PROTOCOL"); protocol != "" && protocol != "grpc" {
		fmt.Fprintf(os.Stderr, "grpc-go serves grpc only, not %s\n", protocol)
		os.Exit(2)
	}
	host := os.Getenv("BARRAGE_HOST")
	if host == "" {
		host = "127.0.0.1"
	}
	port := os.Getenv("BARRAGE_PORT")
	if port == "" {
		port = "0"
	}
	cpuSource := applyCPULimit()

	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fail("cannot listen on %s: %v", net.JoinHostPort(host, port), err)
	}
	options, tlsSummary := tlsOptions()
	server := grpc.NewServer(options...)
	bench.RegisterEchoServer(server, echoServer{})

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-signals
		stopped := make(chan struct{})
		go func() {
			server.GracefulStop()
			close(stopped)
		}()
		select {
		case <-stopped:
		case <-time.After(gracePeriod):
			server.Stop()
		}
	}()

	fmt.Fprintf(os.Stderr, "grpc-go: listening on %s (grpc-go %s, %s, GOMAXPROCS=%d, %s, %s)\n",
		listener.Addr(), grpc.Version, runtime.Version(), runtime.GOMAXPROCS(0), cpuSource, tlsSummary)
	if err := server.Serve(listener); err != nil {
		fail("serve: %v", err)
	}
	<-drained // Serve returns as soon as the listener closes; wait for the calls to end
	fmt.Fprintln(os.Stderr, "grpc-go: stopped")
}
