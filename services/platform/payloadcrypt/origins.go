package payloadcrypt

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Origins is a flag.Value of comma-separated web origins (the codec server's allowed CORS
// origins); a trailing slash is dropped.
type Origins []string

// String joins the origins with commas.
func (o *Origins) String() string {
	if o == nil {
		return ""
	}
	return strings.Join(*o, ",")
}

// Set replaces the origins with the comma-separated list s.
func (o *Origins) Set(s string) error {
	*o = nil
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSuffix(strings.TrimSpace(p), "/"); p != "" {
			*o = append(*o, p)
		}
	}
	return nil
}

// CheckOrigins reports every origin of field that is not scheme://host[:port] with an http or
// https scheme (what a browser sends as Origin).
func CheckOrigins(field string, origins []string) error {
	var errs []error
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("%s: %q must be an origin, scheme://host[:port] (http or https, no path)", field, o))
		}
	}
	return errors.Join(errs...)
}
