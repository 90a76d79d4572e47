package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hactl/hactl/services/web/internal/store"
)

// healthTimeout bounds the Redis PING behind /healthz.
const healthTimeout = 500 * time.Millisecond

// Shared header values: assigning these slices directly avoids the
// allocation and canonicalisation of Header.Set on every response.
var (
	hdrTextPlain = []string{"text/plain; charset=utf-8"}
	hdrAllowGet  = []string{http.MethodGet}
)

// server holds the HTTP handlers. It is safe for concurrent use and takes
// no lock on the request path.
type server struct {
	store          store.Store
	maxValueBytes  int
	requestTimeout time.Duration
	log            *requestLogger
	pprof          http.Handler
}

// ServeHTTP routes by exact path; a switch is cheaper than a ServeMux.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	switch r.URL.Path {
	case "/get":
		s.get(w, r, start)
	case "/set":
		s.set(w, r, start)
	case "/healthz":
		s.healthz(w, r, start)
	default:
		if s.pprof != nil && strings.HasPrefix(r.URL.Path, "/debug/pprof/") {
			s.pprof.ServeHTTP(w, r)
			return
		}
		s.fail(w, r, start, http.StatusNotFound, "", "not found", nil)
	}
}

func (s *server) set(w http.ResponseWriter, r *http.Request, start time.Time) {
	if r.Method != http.MethodGet {
		s.methodNotAllowed(w, r, start)
		return
	}
	key, ok := s.key(w, r, start)
	if !ok {
		return
	}
	value, found, err := queryParam(r.URL.RawQuery, "value")
	switch {
	case err != nil:
		s.fail(w, r, start, http.StatusBadRequest, key, `invalid percent-encoding in query parameter "value"`, nil)
		return
	case !found:
		s.fail(w, r, start, http.StatusBadRequest, key, `missing query parameter "value"`, nil)
		return
	case len(value) > s.maxValueBytes:
		s.fail(w, r, start, http.StatusRequestEntityTooLarge, key,
			"value is "+strconv.Itoa(len(value))+" bytes, the limit is "+strconv.Itoa(s.maxValueBytes), nil)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
	err = s.store.Set(ctx, key, value)
	cancel()
	if err != nil {
		s.storeError(w, r, start, key, err)
		return
	}

	const prefix, middle = "OK. We have set ", " to be "
	h := w.Header()
	h["Content-Type"] = hdrTextPlain
	setLength(h, len(prefix)+len(key)+len(middle)+len(value))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, prefix)
	_, _ = io.WriteString(w, key)
	_, _ = io.WriteString(w, middle)
	_, _ = io.WriteString(w, value)
	s.log.request(r, http.StatusOK, start, key, "")
}

func (s *server) get(w http.ResponseWriter, r *http.Request, start time.Time) {
	if r.Method != http.MethodGet {
		s.methodNotAllowed(w, r, start)
		return
	}
	key, ok := s.key(w, r, start)
	if !ok {
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
	value, err := s.store.Get(ctx, key)
	cancel()
	if err != nil {
		s.storeError(w, r, start, key, err)
		return
	}

	h := w.Header()
	h["Content-Type"] = hdrTextPlain
	setLength(h, len(value))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, value)
	s.log.request(r, http.StatusOK, start, key, "")
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request, start time.Time) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	err := s.store.Ping(ctx)
	cancel()
	if err != nil {
		s.storeError(w, r, start, "", err)
		return
	}
	s.reply(w, http.StatusOK, "ok")
	s.log.request(r, http.StatusOK, start, "", "")
}

// key reads and checks the "key" parameter; on failure it has already
// answered 400.
func (s *server) key(w http.ResponseWriter, r *http.Request, start time.Time) (string, bool) {
	key, found, err := queryParam(r.URL.RawQuery, "key")
	switch {
	case err != nil:
		s.fail(w, r, start, http.StatusBadRequest, "", `invalid percent-encoding in query parameter "key"`, nil)
	case !found:
		s.fail(w, r, start, http.StatusBadRequest, "", `missing query parameter "key"`, nil)
	case key == "":
		s.fail(w, r, start, http.StatusBadRequest, "", `query parameter "key" is empty`, nil)
	case len(key) > maxKeyBytes:
		s.fail(w, r, start, http.StatusBadRequest, key,
			"key is "+strconv.Itoa(len(key))+" bytes, the limit is "+strconv.Itoa(maxKeyBytes), nil)
	default:
		return key, true
	}
	return "", false
}

// storeError answers a Store error: 404 for a missing key, 503 for an
// unavailable or unacknowledged write, 500 for anything else. Bodies carry
// only the errors' safe text; causes go to the log.
func (s *server) storeError(w http.ResponseWriter, r *http.Request, start time.Time, key string, err error) {
	var (
		unavailable *store.UnavailableError
		notAcked    *store.NotAcknowledgedError
	)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, start, http.StatusNotFound, key, "key "+strconv.Quote(key)+" not found", nil)
	case errors.As(err, &notAcked):
		s.fail(w, r, start, http.StatusServiceUnavailable, key, notAcked.Error(),
			errors.New("acknowledged by "+strconv.Itoa(notAcked.Got)))
	case errors.As(err, &unavailable):
		s.fail(w, r, start, http.StatusServiceUnavailable, key, unavailable.Error(), unavailable.Cause)
	case errors.Is(err, store.ErrUnavailable):
		s.fail(w, r, start, http.StatusServiceUnavailable, key, store.ErrUnavailable.Error(), err)
	default:
		s.fail(w, r, start, http.StatusInternalServerError, key, "internal error", err)
	}
}

func (s *server) methodNotAllowed(w http.ResponseWriter, r *http.Request, start time.Time) {
	w.Header()["Allow"] = hdrAllowGet
	s.fail(w, r, start, http.StatusMethodNotAllowed, "", "method "+r.Method+" not allowed, use GET", nil)
}

// fail answers status with msg and logs it with the optional cause.
func (s *server) fail(w http.ResponseWriter, r *http.Request, start time.Time, status int, key, msg string, cause error) {
	s.reply(w, status, msg)
	detail := msg
	if cause != nil {
		detail += ": " + cause.Error()
	}
	s.log.request(r, status, start, key, detail)
}

func (s *server) reply(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h["Content-Type"] = hdrTextPlain
	setLength(h, len(body))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// setLength sets Content-Length for bodies too big for net/http to measure
// itself (it buffers 2048 bytes before switching to chunked encoding).
func setLength(h http.Header, n int) {
	if n >= 2048 {
		h["Content-Length"] = []string{strconv.Itoa(n)}
	}
}
