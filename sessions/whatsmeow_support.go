package sessions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// describeConnectError says in plain words why a connection could not be opened.
func describeConnectError(err error) error {
	if err == nil {
		return nil
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Errorf("cannot resolve %s (DNS error: no route to WhatsApp?): %w", dns.Name, err)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return fmt.Errorf("cannot connect to WhatsApp: %w", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("connecting to WhatsApp timed out: %w", err)
	}
	return fmt.Errorf("connecting to WhatsApp failed: %w", err)
}

// qrRotation shows whatsmeow's QR codes one after another: the first for 60 seconds, the others for 20,
// as WhatsApp Web does; when they run out, the pairing attempt ends.
type qrRotation struct {
	mu     sync.Mutex
	stopCh chan struct{}
}

func (q *qrRotation) start(codes []string, emit func(WhatsAppEvent), expired func()) {
	q.stop()
	q.mu.Lock()
	stop := make(chan struct{})
	q.stopCh = stop
	q.mu.Unlock()
	go func() {
		for i, code := range codes {
			ttl := 20 * time.Second
			if i == 0 {
				ttl = 60 * time.Second
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
