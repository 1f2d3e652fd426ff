// grpc-go Echo server for Barrage: serves bench.Echo (Containers/bench.proto) on
// $BARRAGE_HOST:$BARRAGE_PORT until SIGTERM. The build copies this file into a GOPATH
// beside the code protoc generates (package barrage/grpc-go-echo/bench).
package main

import (
	"context"
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
	server := grpc.NewServer()
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

	fmt.Fprintf(os.Stderr, "grpc-go: listening on %s (grpc-go %s, %s, GOMAXPROCS=%d, %s)\n",
		listener.Addr(), grpc.Version, runtime.Version(), runtime.GOMAXPROCS(0), cpuSource)
	if err := server.Serve(listener); err != nil {
		fail("serve: %v", err)
	}
	<-drained // Serve returns as soon as the listener closes; wait for the calls to end
	fmt.Fprintln(os.Stderr, "grpc-go: stopped")
}
