package app

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// A page token is the offset of the next page and a fingerprint of the query it belongs to, so
// a token is refused with another query.
func encodePageToken(offset int, query string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset) + ":" + queryFingerprint(query)))
}

func decodePageToken(token, query string) (int, error) {
	if token == "" {
		return 0, nil
	}
	bad := domain.Violations{{Field: "page_token", Description: "is not a next_page_token of this worklist and these filters"}}.Err()
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, bad
	}
	off, fp, ok := strings.Cut(string(raw), ":")
	n, err := strconv.Atoi(off)
	if !ok || err != nil || n < 0 || fp != queryFingerprint(query) {
		return 0, bad
	}
	return n, nil
}

func queryFingerprint(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:6])
}
