package config

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Logging is what -log-format and -log-level asked for.
type Logging struct {
	// Format is "json" or "text".
	Format string
	// Level is "debug", "info", "warn" or "error".
	Level string
}

// Logger builds the slog logger writing to w, or says which flag is wrong (both, if both are).
func (l Logging) Logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	levelErr := level.UnmarshalText([]byte(l.Level))
	if levelErr != nil || strings.TrimSpace(l.Level) == "" {
		levelErr = fmt.Errorf("log-level: must be debug, info, warn or error, not %q", l.Level)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch l.Format {
	case "json":
		if levelErr != nil {
			return nil, levelErr
		}
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		if levelErr != nil {
			return nil, levelErr
		}
		return slog.New(slog.NewTextHandler(w, opts)), nil
	default:
		formatErr := fmt.Errorf("log-format: must be json or text, not %q", l.Format)
		if levelErr != nil {
			return nil, fmt.Errorf("%w\n%w", formatErr, levelErr)
		}
		return nil, formatErr
	}
}
