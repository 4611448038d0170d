package sessions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// describeConnectError says in plain words why a connection could not be opened. The tenant's users see
// this text (the session's lastError): it names WhatsApp's host and a category, never this network's
// addresses or its DNS server's (a *net.DNSError's own text names the server). The cause stays wrapped, for
// errors.Is/As and for the log (ErrorDetail).
func describeConnectError(err error) error {
	if err == nil {
		return nil
	}
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &dns):
		return &connectError{msg: fmt.Sprintf("cannot resolve %s (DNS error: no route to WhatsApp?)", dns.Name), cause: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &connectError{msg: "connecting to WhatsApp timed out", cause: err}
	case errors.As(err, &ne):
		return &connectError{msg: "cannot connect to WhatsApp: " + strings.TrimPrefix(DeliveryError(err), "the webhook "), cause: err}
	}
	return fmt.Errorf("connecting to WhatsApp failed: %w", err)
}

// connectError is a connection failure as the tenant's users may see it, with its cause kept for the log.
type connectError struct {
	msg   string
	cause error
}

func (e *connectError) Error() string { return e.msg }
func (e *connectError) Unwrap() error { return e.cause }

// ErrorDetail is err's text including what describeConnectError keeps from the tenant's users: for logs.
func ErrorDetail(err error) string {
	var ce *connectError
	if errors.As(err, &ce) {
		return ce.msg + ": " + ce.cause.Error()
	}
	return err.Error()
}

// qrRotation shows whatsmeow's QR codes one after another: the first for 60 seconds, the others for 20,
// as WhatsApp Web does; when they run out, the pairing attempt ends.
type qrRotation struct {
	mu     sync.Mutex
	stopCh chan struct{}
	// firstTTL and nextTTL replace the 60 and 20 seconds when set (tests watch a rotation in milliseconds).
	firstTTL, nextTTL time.Duration
}

func (q *qrRotation) start(codes []string, emit func(WhatsAppEvent), expired func()) {
	q.stop()
	q.mu.Lock()
	stop := make(chan struct{})
	q.stopCh = stop
	first, next := cmp.Or(q.firstTTL, 60*time.Second), cmp.Or(q.nextTTL, 20*time.Second)
	q.mu.Unlock()
	go func() {
		for i, code := range codes {
			ttl := next
			if i == 0 {
				ttl = first
			}
			emit(WAQRCode{Code: code, ExpiresAt: time.Now().Add(ttl)})
			select {
			case <-time.After(ttl):
			case <-stop:
				return
			}
		}
		q.mu.Lock()
		current := q.stopCh == stop
		q.mu.Unlock()
		if current {
			expired()
		}
	}()
}

func (q *qrRotation) stop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopCh != nil {
		close(q.stopCh)
		q.stopCh = nil
	}
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

func messageSuffix(m string) string {
	if m == "" {
		return ""
	}
	return " (" + m + ")"
}

// slogLogger lets whatsmeow log through the engine's slog logger: its errors as warnings (a failed
// connect is reported through the session's status), the rest at debug level.
type slogLogger struct {
	l *slog.Logger
}

func (s slogLogger) Warnf(msg string, args ...any)  { s.l.Warn(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Errorf(msg string, args ...any) { s.l.Warn(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Infof(msg string, args ...any)  { s.l.Debug(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Debugf(msg string, args ...any) {
	if s.l.Enabled(context.Background(), slog.LevelDebug-4) {
		s.l.Debug(fmt.Sprintf(msg, args...))
	}
}
func (s slogLogger) Sub(module string) waLog.Logger { return slogLogger{l: s.l.With("module", module)} }
