package store

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Reserved stream metadata keys the server acts on.
const (
	metaMaxCount       = "$maxCount"
	metaMaxAge         = "$maxAge"
	metaTruncateBefore = "$tb"
)

// metadataEventType is the event type of stream metadata events.
const metadataEventType = "$metadata"

// tombstoneEventType is the event type of a hard delete.
const tombstoneEventType = "$streamDeleted"

// metastreamPrefix prefixes the metadata stream of every stream.
const metastreamPrefix = "$$"

func isMetastream(stream string) bool { return strings.HasPrefix(stream, metastreamPrefix) }

func metastreamOf(stream string) string { return metastreamPrefix + stream }

func originalStreamOf(meta string) string { return strings.TrimPrefix(meta, metastreamPrefix) }

// parseStreamMeta reads the reserved keys of a metadata document. Values
// that are missing, not integers or out of range are ignored, as the real
// server ignores metadata it cannot parse.
func parseStreamMeta(data []byte) streamMeta {
	m := unsetMeta()
	var doc map[string]json.RawMessage
	if json.Unmarshal(data, &doc) != nil {
		return m
	}
	m.maxCount = positiveInt(doc[metaMaxCount], 1)
	m.maxAgeSeconds = positiveInt(doc[metaMaxAge], 1)
	m.truncateBefore = positiveInt(doc[metaTruncateBefore], 0)
	return m
}

func positiveInt(raw json.RawMessage, least int64) int64 {
	if raw == nil {
		return noRevision
	}
	v, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || v < least {
		return noRevision
	}
	return v
}

// withTruncateBefore returns the metadata document with $tb replaced,
// keeping every other key. ok is false when the document is not a JSON
// object (the real server then leaves the metadata alone).
func withTruncateBefore(data []byte, tb int64) ([]byte, bool) {
	doc := map[string]json.RawMessage{}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &doc); err != nil || doc == nil {
			return nil, false
		}
	}
	doc[metaTruncateBefore] = json.RawMessage(strconv.FormatInt(tb, 10))
	out, err := json.Marshal(doc)
	return out, err == nil
}
