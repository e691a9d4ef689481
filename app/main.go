// Command app is the portable-backend sample service.
//
// It serves a tiny HTTP API whose /healthz endpoint reports whether the
// PostgreSQL database and the S3 bucket it is configured with are reachable.
// All configuration comes from the environment (see README.md).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// version is set at build time (-ldflags "-X main.version=...") and can be
// overridden at run time with APP_VERSION.
var version = "dev"

type config struct {
	Port          string
	DatabaseURL   string
	S3Endpoint    string
	S3Bucket      string
	S3Region      string
	S3AccessKey   string
	S3SecretKey   string
	Version       string
	CheckTimeout  time.Duration
	ShutdownGrace time.Duration
}

// env returns the value of name, or the trimmed contents of the file named by
// name_FILE. Setting both is an error.
func env(name string) (string, error) {
	v, hasV := os.LookupEnv(name)
	f, hasF := os.LookupEnv(name + "_FILE")
	switch {
	case hasV && hasF && v != "" && f != "":
		return "", fmt.Errorf("both %s and %s_FILE are set", name, name)
	case hasF && f != "":
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	default:
		return v, nil
	}
}

func durationEnv(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

func loadConfig() (config, error) {
	var c config
	var errs []error
	get := func(name string, required bool, dst *string) {
		v, err := env(name)
		if err != nil {
			errs = append(errs, err)
			return
		}
		if required && v == "" {
			errs = append(errs, fmt.Errorf("%s (or %s_FILE) is required", name, name))
		}
		*dst = v
	}
	get("PORT", false, &c.Port)
	get("DATABASE_URL", true, &c.DatabaseURL)
	get("S3_ENDPOINT", true, &c.S3Endpoint)
	get("S3_BUCKET", true, &c.S3Bucket)
	get("S3_REGION", false, &c.S3Region)
	get("S3_ACCESS_KEY_ID", true, &c.S3AccessKey)
	get("S3_SECRET_ACCESS_KEY", true, &c.S3SecretKey)
	get("APP_VERSION", false, &c.Version)
	if c.Port == "" {
		c.Port = "8080"
	}
	if c.S3Region == "" {
		c.S3Region = "us-east-1"
	}
	if c.Version == "" {
		c.Version = version
	}
	var err error
	if c.CheckTimeout, err = durationEnv("HEALTH_CHECK_TIMEOUT", 2*time.Second); err != nil {
		errs = append(errs, err)
	}
	if c.ShutdownGrace, err = durationEnv("SHUTDOWN_TIMEOUT", 10*time.Second); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// redactor removes secret values from error messages before they are logged
// or returned to clients.
type redactor []string

func (r redactor) clean(s string) string {
	for _, secret := range r {
		if len(secret) >= 3 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

type componentStatus struct {
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
}

type healthResponse struct {
	Status   string          `json:"status"`
	Database componentStatus `json:"database"`
	Bucket   componentStatus `json:"bucket"`
	Version  string          `json:"version"`
}

type server struct {
	cfg    config
	db     *pgxpool.Pool
	s3     *minio.Client
	redact redactor
	log    *slog.Logger
}

func newServer(ctx context.Context, cfg config, log *slog.Logger) (*server, error) {
	secrets := redactor{cfg.S3SecretKey}

	pcfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		// The parse error may quote the URL; never echo it.
		return nil, errors.New("DATABASE_URL: cannot be parsed as a PostgreSQL connection string")
	}
	if pcfg.ConnConfig.Password != "" {
		secrets = append(secrets, pcfg.ConnConfig.Password)
	}
	if u, err := url.Parse(cfg.DatabaseURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	pcfg.MaxConns = 4
	pcfg.MinConns = 0
	pcfg.MaxConnIdleTime = time.Minute
	pcfg.HealthCheckPeriod = 30 * time.Second
	if pcfg.ConnConfig.ConnectTimeout == 0 || pcfg.ConnConfig.ConnectTimeout > cfg.CheckTimeout {
		pcfg.ConnConfig.ConnectTimeout = cfg.CheckTimeout
	}
	// NewWithConfig does not connect; the first query does.
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("database pool: %s", secrets.clean(err.Error()))
	}

	u, err := url.Parse(cfg.S3Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		pool.Close()
		return nil, errors.New("S3_ENDPOINT: must look like http://host:port or https://host")
	}
	if u.Path != "" && u.Path != "/" {
		pool.Close()
		return nil, errors.New("S3_ENDPOINT: must not contain a path")
	}
	s3, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.S3AccessKey, cfg.S3SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       cfg.S3Region,
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   1,
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("S3 client: %s", secrets.clean(err.Error()))
	}
	return &server{cfg: cfg, db: pool, s3: s3, redact: secrets, log: log}, nil
}

func (s *server) checkDatabase(ctx context.Context) componentStatus {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.CheckTimeout)
	defer cancel()
	var one int
	if err := s.db.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return componentStatus{Error: s.describe(ctx, err)}
	}
	if one != 1 {
		return componentStatus{Error: "unexpected result from SELECT 1"}
	}
	return componentStatus{Reachable: true}
}

// describe turns a check error into a message for clients and logs: secrets
// redacted, timeouts spelled out.
func (s *server) describe(ctx context.Context, err error) string {
	msg := s.redact.clean(err.Error())
	if ctx.Err() == context.DeadlineExceeded && !strings.Contains(msg, "timeout") {
		msg = fmt.Sprintf("no answer within %s (%s)", s.cfg.CheckTimeout, msg)
	}
	return msg
}

func (s *server) checkBucket(ctx context.Context) componentStatus {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.CheckTimeout)
	defer cancel()
	ok, err := s.s3.BucketExists(ctx, s.cfg.S3Bucket)
	switch {
	case err != nil:
		return componentStatus{Error: s.describe(ctx, err)}
	case !ok:
		return componentStatus{Error: fmt.Sprintf("bucket %q does not exist", s.cfg.S3Bucket)}
	}
	return componentStatus{Reachable: true}
}

func (s *server) health(ctx context.Context) (healthResponse, int) {
	var wg sync.WaitGroup
	res := healthResponse{Version: s.cfg.Version}
	wg.Add(2)
	go func() { defer wg.Done(); res.Database = s.checkDatabase(ctx) }()
	go func() { defer wg.Done(); res.Bucket = s.checkBucket(ctx) }()
	wg.Wait()
	if res.Database.Reachable && res.Bucket.Reachable {
		res.Status = "ok"
		return res, http.StatusOK
	}
	res.Status = "unavailable"
	return res, http.StatusServiceUnavailable
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "portable-backend sample app %s\n", s.cfg.Version)
	})
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		res, code := s.health(r.Context())
		if code != http.StatusOK {
			s.log.Warn("health check failed", "database", res.Database, "bucket", res.Bucket)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(res)
	})
	return mux
}

func run(log *slog.Logger) error {
	cfg, err := loadConfig()
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	srv, err := newServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.db.Close()

	httpServer := &http.Server{
		Addr:              net.JoinHostPort("", cfg.Port),
		Handler:           srv.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", httpServer.Addr, "version", cfg.Version)
		errc <- httpServer.ListenAndServe()
	}()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// healthcheck is the container health probe: scratch images have no curl,
// so `app healthcheck [path]` requests http://127.0.0.1:$PORT/path and exits
// 0 on HTTP 200, 1 otherwise.
func healthcheck(args []string) int {
	path := "/healthz"
	if len(args) > 0 {
		path = args[0]
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort("127.0.0.1", port) + path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: HTTP", resp.StatusCode)
		return 1
	}
	return 0
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "healthcheck":
			os.Exit(healthcheck(os.Args[2:]))
		case "version", "--version", "-version":
			fmt.Println(version)
			return
		case "serve":
		default:
			fmt.Fprintf(os.Stderr, "usage: %s [serve|healthcheck [path]|version]\n", os.Args[0])
			os.Exit(2)
		}
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(log); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("fatal", "error", err.Error())
		os.Exit(1)
	}
}
