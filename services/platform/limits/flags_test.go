package limits_test

import (
	"io"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/limits"
)

func TestFlagsAndVariables(t *testing.T) {
	env := map[string]string{"FINANCE_RATE_LIMIT": "2.5", "FINANCE_GRPC_MAX_STREAMS": "64", "FINANCE_HTTP_WRITE_TIMEOUT": "0s"}
	cfg, web := limits.DefaultConfig(), limits.DefaultHTTPConfig()
	fs := config.New("finance", func(k string) string { return env[k] }, io.Discard)
	cfg.Register(fs, "FINANCE")
	web.Register(fs, "FINANCE")
	require.NoError(t, fs.Parse([]string{"-rate-burst", "7", "-http-max-body-bytes", "1024"}))
	require.NoError(t, fs.Check(cfg.Validate(), web.Validate()))

	require.InDelta(t, 2.5, cfg.Rate.PerSecond, 0)
	require.Equal(t, 7, cfg.Rate.Burst)
	require.Equal(t, 64, cfg.MaxConcurrentStreams)
	require.Equal(t, limits.DefaultMaxRecvMsgBytes, cfg.MaxRecvMsgBytes, "untouched: the default")
	require.Zero(t, web.WriteTimeout)
	require.Equal(t, 1024, web.MaxBodyBytes)
}

func TestMalformedRateNamesItsVariable(t *testing.T) {
	cfg := limits.DefaultConfig()
	fs := config.New("finance", func(k string) string { return map[string]string{"FINANCE_RATE_LIMIT": "lots"}[k] }, io.Discard)
	cfg.Register(fs, "FINANCE")
	require.NoError(t, fs.Parse(nil))
	require.EqualError(t, fs.Check(), `FINANCE_RATE_LIMIT: must be a valid number, not "lots"`)
}

func TestValidateNamesEveryFlag(t *testing.T) {
	cfg := limits.Config{MaxRecvMsgBytes: -1, PingMinInterval: -time.Second, Rate: limits.Rate{PerSecond: 3}}
	web := limits.HTTPConfig{WriteTimeout: -time.Second, MaxBodyBytes: -1}
	err := cfg.Validate()
	require.ErrorContains(t, err, "grpc-max-recv-bytes: must not be negative, not -1")
	require.ErrorContains(t, err, "grpc-ping-min-interval: must not be negative")
	require.ErrorContains(t, err, "rate-burst: must be at least 1 when rate-limit is set, not 0")
	err = web.Validate()
	require.ErrorContains(t, err, "http-write-timeout: must not be negative")
	require.ErrorContains(t, err, "http-max-body-bytes: must not be negative")

	require.ErrorContains(t, limits.Rate{PerSecond: math.NaN(), Burst: 1}.Validate(), "rate-limit: must be a finite number")
	require.ErrorContains(t, limits.Rate{PerSecond: -1, Burst: 1}.Validate(), "rate-limit: must not be negative")
	require.NoError(t, limits.DefaultConfig().Validate())
	require.NoError(t, limits.DefaultHTTPConfig().Validate())
}
