package payloadcrypt

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// The metadata of an encrypted payload.
const (
	// MetadataEncoding is the SDK's metadata key naming a payload's encoding.
	MetadataEncoding = converter.MetadataEncoding
	// EncodingEncrypted marks a payload this codec sealed.
	EncodingEncrypted = "binary/encrypted"
	// MetadataKeyID names the key that sealed the payload.
	MetadataKeyID = "encryption-key-id"
)

// Codec is a converter.PayloadCodec: Encode seals each whole payload (its data and metadata,
// marshalled) with AES-256-GCM under the source's current key, in a new payload marked
// EncodingEncrypted and MetadataKeyID; Decode opens what is so marked with the key named and
// passes every other payload through untouched. The key ID is authenticated with the ciphertext.
// Safe for concurrent use when its source is.
type Codec struct {
	source KeySource
}

var _ converter.PayloadCodec = (*Codec)(nil)

// NewCodec returns a codec encrypting with src's current key.
func NewCodec(src KeySource) *Codec { return &Codec{source: src} }

// Encode seals every payload under the current key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	ctx := context.Background() // the SDK's codec interface carries no context
	id, key, err := c.source.Current(ctx)
	if err != nil {
		return nil, fmt.Errorf("payload encryption: current key: %w", err)
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, fmt.Errorf("payload encryption: key %q: %w", id, err)
	}
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("payload encryption: marshal payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("payload encryption: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{MetadataEncoding: []byte(EncodingEncrypted), MetadataKeyID: []byte(id)},
			Data:     aead.Seal(nonce, nonce, plain, []byte(id)),
		}
	}
	return out, nil
}

// Decode opens every payload marked EncodingEncrypted; others are returned as they are. A
// payload under a key the source does not hold fails (wrapping ErrUnknownKey), as does one
// that does not authenticate (tampered with, or another key under the same ID).
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	ctx := context.Background()
	out := make([]*commonpb.Payload, len(payloads))
	aeads := map[string]cipher.AEAD{}
	for i, p := range payloads {
		if string(p.GetMetadata()[MetadataEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := aeads[id]
		if !ok {
			key, err := c.source.Key(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("payload decryption: %w", err)
			}
			if aead, err = newAEAD(key); err != nil {
				return nil, fmt.Errorf("payload decryption: key %q: %w", id, err)
			}
			aeads[id] = aead
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, fmt.Errorf("payload decryption: payload under key %q is too short to be one this codec sealed", id)
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("payload decryption: payload under key %q does not authenticate (altered, or sealed with another key of that ID)", id)
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(plain, out[i]); err != nil {
			return nil, fmt.Errorf("payload decryption: payload under key %q: not a payload inside: %w", id, err)
		}
	}
	return out, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("must be %d bytes (AES-256), not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// DataConverter wraps base (the SDK's default when nil) so that every payload goes through
// codec: what a client or worker built with it writes to Temporal is encrypted.
func DataConverter(base converter.DataConverter, codec converter.PayloadCodec) converter.DataConverter {
	if base == nil {
		base = converter.GetDefaultDataConverter()
	}
	return converter.NewCodecDataConverter(base, codec)
}

// FailureConverter returns the SDK's failure converter over dc with the failures' messages and
// stack traces encoded too (EncodeCommonAttributes): an error text is a payload like any other,
// and never in clear in the history.
func FailureConverter(dc converter.DataConverter) converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{DataConverter: dc, EncodeCommonAttributes: true})
}
