// The ledger.v1.Ledger service (ledger.proto) on grpc-go, for benchmarking a service that is
// not bench.Echo: serves on $BARRAGE_HOST:$BARRAGE_PORT until SIGTERM. Every field of each
// request is compared with the known entry (known-entry.json, read with Go's own protojson)
// and counted intact or damaged; every call but Stats and the health check needs
// `authorization: Bearer $LEDGER_TOKEN`. The build copies this file into a GOPATH beside the
// code protoc generates (package barrage/any-service/ledger).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/ioutil"
	"math"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"barrage/any-service/ledger"
)

// How long in-flight calls get to finish after SIGTERM before the server closes every
// connection. Barrage sends SIGKILL 2 s after SIGTERM, and clients may hold streams open.
const gracePeriod = time.Second

// The most entries one List call may ask for; more is a damaged request.
const maxListCount = 100000

// counters of one method, updated with atomics from every call's goroutine.
type counters struct {
	received, intact, damaged, sent uint64
}

func (c *counters) snapshot() *ledger.MethodStats {
	return &ledger.MethodStats{
		Received: atomic.LoadUint64(&c.received), Intact: atomic.LoadUint64(&c.intact),
		Damaged: atomic.LoadUint64(&c.damaged), Sent: atomic.LoadUint64(&c.sent),
	}
}

type ledgerServer struct {
	ledger.UnimplementedLedgerServer
	known           *ledger.Entry
	token           string
	methods         map[string]*counters
	unauthenticated uint64
	nextID          uint64
	// listPace ($LEDGER_LIST_PACE): List sends its i-th entry i × listPace after the call
	// began, so a stream of n entries takes n × listPace and each entry arrives listPace
	// after the one before: a per-message figure known by construction. 0 sends at once.
	listPace time.Duration
}

var methodNames = []string{"Post", "List", "Upload", "Sync", "Hold"}

func newServer(known *ledger.Entry, token string) *ledgerServer {
	server := &ledgerServer{known: known, token: token, methods: map[string]*counters{}}
	for _, name := range methodNames {
		server.methods[name] = &counters{}
	}
	return server
}

// differences names the fields (JSON names) in which got differs from want; "unknown fields"
// when only fields the schema does not know differ.
func differences(got, want proto.Message) []string {
	g, w := got.ProtoReflect(), want.ProtoReflect()
	var names []string
	fields := g.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		field := fields.Get(i)
		a, b := g.New(), w.New()
		if g.Has(field) {
			a.Set(field, g.Get(field))
		}
		if w.Has(field) {
			b.Set(field, w.Get(field))
		}
		if !proto.Equal(a.Interface(), b.Interface()) {
			names = append(names, field.JSONName())
		}
	}
	if len(names) == 0 && !proto.Equal(got, want) {
		names = append(names, "unknown fields")
	}
	return names
}

// check counts one arriving message of `method`; nil when intact, else INVALID_ARGUMENT
// naming the fields that differ from the known request.
func (s *ledgerServer) check(method string, got, want proto.Message, extra []string) error {
	c := s.methods[method]
	atomic.AddUint64(&c.received, 1)
	differ := append(differences(got, want), extra...)
	if len(differ) == 0 {
		atomic.AddUint64(&c.intact, 1)
		return nil
	}
	atomic.AddUint64(&c.damaged, 1)
	return status.Errorf(codes.InvalidArgument, "%s: the request differs from the known one in %s",
		method, strings.Join(differ, ", "))
}

func (s *ledgerServer) receipt(entry *ledger.Entry) *ledger.Receipt {
	id := atomic.AddUint64(&s.nextID, 1)
	return &ledger.Receipt{EntryId: fmt.Sprintf("E-%d", id), BalanceUnits: entry.GetAmount().GetUnits(), Kind: entry.GetKind()}
}

func (s *ledgerServer) Post(_ context.Context, entry *ledger.Entry) (*ledger.Receipt, error) {
	if err := s.check("Post", entry, s.known, nil); err != nil {
		return nil, err
	}
	atomic.AddUint64(&s.methods["Post"].sent, 1)
	return s.receipt(entry), nil
}

func (s *ledgerServer) List(request *ledger.ListRequest, stream ledger.Ledger_ListServer) error {
	// Every field is checked: account and kind against the known entry's, count in range.
	want := &ledger.ListRequest{Account: s.known.GetAccount(), Kind: s.known.GetKind(), Count: request.GetCount()}
	var extra []string
	if request.GetCount() < 1 || request.GetCount() > maxListCount {
		extra = append(extra, fmt.Sprintf("count (%d, not 1 to %d)", request.GetCount(), maxListCount))
	}
	if err := s.check("List", request, want, extra); err != nil {
		return err
	}
	start := time.Now()
	for i := uint32(0); i < request.GetCount(); i++ {
		if s.listPace > 0 {
			// From the call's start, so a late wake-up does not push every later entry back.
			time.Sleep(time.Until(start.Add(time.Duration(i+1) * s.listPace)))
		}
		if err := stream.Send(s.known); err != nil {
			return err
		}
		atomic.AddUint64(&s.methods["List"].sent, 1)
	}
	return nil
}

func (s *ledgerServer) Upload(stream ledger.Ledger_UploadServer) error {
	var received, intact uint64
	var firstError error
	for {
		entry, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		received++
		if err := s.check("Upload", entry, s.known, nil); err != nil {
			if firstError == nil {
				firstError = err
			}
		} else {
			intact++
		}
	}
	if firstError != nil {
		return firstError
	}
	atomic.AddUint64(&s.methods["Upload"].sent, 1)
	return stream.SendAndClose(&ledger.UploadSummary{Received: received, Intact: intact})
}

func (s *ledgerServer) Sync(stream ledger.Ledger_SyncServer) error {
	for {
		entry, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.check("Sync", entry, s.known, nil); err != nil {
			return err
		}
		if err := stream.Send(s.receipt(entry)); err != nil {
			return err
		}
		atomic.AddUint64(&s.methods["Sync"].sent, 1)
	}
}

func (s *ledgerServer) Hold(ctx context.Context, request *ledger.HoldRequest) (*ledger.Receipt, error) {
	want := &ledger.HoldRequest{Account: s.known.GetAccount(), Delay: request.GetDelay()}
	var extra []string
	if request.GetDelay() == nil || request.GetDelay().CheckValid() != nil || request.GetDelay().AsDuration() < 0 {
		extra = append(extra, "delay (missing or negative)")
	}
	if err := s.check("Hold", request, want, extra); err != nil {
		return nil, err
	}
	select {
	case <-time.After(request.GetDelay().AsDuration()):
	case <-ctx.Done():
		if ctx.Err() == context.DeadlineExceeded {
			return nil, status.Error(codes.DeadlineExceeded, "Hold: the deadline passed before the delay")
		}
		return nil, status.Error(codes.Canceled, "Hold: cancelled before the delay")
	}
	atomic.AddUint64(&s.methods["Hold"].sent, 1)
	return s.receipt(s.known), nil
}

func (s *ledgerServer) Stats(context.Context, *ledger.StatsRequest) (*ledger.LedgerStats, error) {
	return s.stats(), nil
}

func (s *ledgerServer) stats() *ledger.LedgerStats {
	stats := &ledger.LedgerStats{Methods: map[string]*ledger.MethodStats{}, Unauthenticated: atomic.LoadUint64(&s.unauthenticated)}
	for name, c := range s.methods {
		stats.Methods[name] = c.snapshot()
	}
	return stats
}

// authorize refuses a call without `authorization: Bearer <token>`; Stats and the health
// service need none.
func (s *ledgerServer) authorize(ctx context.Context, method string) error {
	if method == "/ledger.v1.Ledger/Stats" || strings.HasPrefix(method, "/grpc.health.v1.Health/") {
		return nil
	}
	incoming, _ := metadata.FromIncomingContext(ctx)
	values := incoming.Get("authorization")
	if len(values) == 0 {
		atomic.AddUint64(&s.unauthenticated, 1)
		return status.Error(codes.Unauthenticated, "missing authorization metadata: send authorization: Bearer <token>")
	}
	if values[0] != "Bearer "+s.token {
		atomic.AddUint64(&s.unauthenticated, 1)
		return status.Error(codes.Unauthenticated, "wrong bearer token in the authorization metadata")
	}
	return nil
}

func (s *ledgerServer) unaryAuth(ctx context.Context, request interface{}, info *grpc.UnaryServerInfo,
	handler grpc.UnaryHandler) (interface{}, error) {
	if err := s.authorize(ctx, info.FullMethod); err != nil {
		return nil, err
	}
	return handler(ctx, request)
}

func (s *ledgerServer) streamAuth(service interface{}, stream grpc.ServerStream, info *grpc.StreamServerInfo,
	handler grpc.StreamHandler) error {
	if err := s.authorize(stream.Context(), info.FullMethod); err != nil {
		return err
	}
	return handler(service, stream)
}

// countingGzip is grpc-go's own gzip compressor, registered again under its name "gzip" so
// that every message it inflates (a gzip request) and every one it compresses (an answer:
// grpc-go answers in the encoding the request came in) is counted. A client's gzip both ways
// then shows in the stats as gzip.inflated and gzip.compressed.
type countingGzip struct {
	encoding.Compressor
	inflated, compressed uint64
}

func (c *countingGzip) Compress(w io.Writer) (io.WriteCloser, error) {
	atomic.AddUint64(&c.compressed, 1)
	return c.Compressor.Compress(w)
}

func (c *countingGzip) Decompress(r io.Reader) (io.Reader, error) {
	atomic.AddUint64(&c.inflated, 1)
	return c.Compressor.Decompress(r)
}

var gzipCounts = &countingGzip{Compressor: encoding.GetCompressor(gzip.Name)}

func init() { encoding.RegisterCompressor(gzipCounts) }

// statsJSON is the counters as one JSON line: {"methods":{"Post":{"received":…}},"unauthenticated":…,
// "gzip":{"inflated":…,"compressed":…}}, every counter present, as numbers.
func (s *ledgerServer) statsJSON() []byte {
	type method struct {
		Received uint64 `json:"received"`
		Intact   uint64 `json:"intact"`
		Damaged  uint64 `json:"damaged"`
		Sent     uint64 `json:"sent"`
	}
	out := struct {
		Methods         map[string]method `json:"methods"`
		Unauthenticated uint64            `json:"unauthenticated"`
		Gzip            gzipCounters      `json:"gzip"`
	}{
		Methods: map[string]method{}, Unauthenticated: atomic.LoadUint64(&s.unauthenticated),
		Gzip: gzipCounts.counts(),
	}
	for name, c := range s.methods {
		m := c.snapshot()
		out.Methods[name] = method{m.Received, m.Intact, m.Damaged, m.Sent}
	}
	text, _ := json.Marshal(out)
	return text
}

// gzipCounters is countingGzip's counters as the stats show them.
type gzipCounters struct {
	Inflated   uint64 `json:"inflated"`
	Compressed uint64 `json:"compressed"`
}

// counts reads both counters.
func (c *countingGzip) counts() gzipCounters {
	return gzipCounters{atomic.LoadUint64(&c.inflated), atomic.LoadUint64(&c.compressed)}
}

// writeStats replaces path with the counters (a temporary file renamed over it, so a reader
// never sees half a file).
func (s *ledgerServer) writeStats(path string) {
	temporary := path + ".tmp"
	if err := ioutil.WriteFile(temporary, append(s.statsJSON(), '\n'), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "any-service: cannot write %s: %v\n", temporary, err)
		return
	}
	if err := os.Rename(temporary, path); err != nil {
		fmt.Fprintf(os.Stderr, "any-service: cannot write %s: %v\n", path, err)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "any-service: "+format+"\n", args...)
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
		fmt.Fprintf(os.Stderr, "any-service serves grpc only, not %s\n", protocol)
		os.Exit(2)
	}
	if len(os.Args) != 2 {
		fail("usage: any-service KNOWN_ENTRY_JSON_FILE")
	}
	knownPath := os.Args[1]
	if path := os.Getenv("LEDGER_KNOWN_ENTRY"); path != "" {
		knownPath = path
	}
	text, err := ioutil.ReadFile(knownPath)
	if err != nil {
		fail("cannot read the known entry: %v", err)
	}
	known := &ledger.Entry{}
	if err := protojson.Unmarshal(text, known); err != nil {
		fail("%s is not a ledger.v1.Entry in protobuf's JSON mapping: %v", knownPath, err)
	}
	token, ok := os.LookupEnv("LEDGER_TOKEN")
	if !ok {
		token = "s3cret"
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
	service := newServer(known, token)
	if text := os.Getenv("LEDGER_LIST_PACE"); text != "" {
		pace, err := time.ParseDuration(text)
		if err != nil || pace < 0 || pace > time.Minute {
			fail("LEDGER_LIST_PACE must be a duration from 0 to 1m, such as 20ms, not %q", text)
		}
		service.listPace = pace
	}
	server := grpc.NewServer(grpc.UnaryInterceptor(service.unaryAuth), grpc.StreamInterceptor(service.streamAuth))
	ledger.RegisterLedgerServer(server, service)
	healthpb.RegisterHealthServer(server, health.NewServer())

	statsPath := os.Getenv("LEDGER_STATS_FILE")
	var statsWriter sync.WaitGroup
	stopWriting := make(chan struct{})
	if statsPath != "" {
		service.writeStats(statsPath)
		statsWriter.Add(1)
		go func() {
			defer statsWriter.Done()
			ticker := time.NewTicker(200 * time.Millisecond)
			defer ticker.Stop()
			for {
				select {
				case <-ticker.C:
					service.writeStats(statsPath)
				case <-stopWriting:
					return
				}
			}
		}()
	}

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

	fmt.Fprintf(os.Stderr, "any-service: ledger.v1.Ledger listening on %s (grpc-go %s, %s, GOMAXPROCS=%d, %s)\n",
		listener.Addr(), grpc.Version, runtime.Version(), runtime.GOMAXPROCS(0), cpuSource)
	if err := server.Serve(listener); err != nil {
		fail("serve: %v", err)
	}
	<-drained // Serve returns as soon as the listener closes; wait for the calls to end
	close(stopWriting)
	statsWriter.Wait()
	if statsPath != "" {
		service.writeStats(statsPath)
	}
	fmt.Fprintf(os.Stderr, "any-service: stats %s\n", service.statsJSON())
	fmt.Fprintln(os.Stderr, "any-service: stopped")
}
