package records_test

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/records"
)

func TestParsePeriod(t *testing.T) {
	good := map[string]records.Retention{
		"8y":       {Years: 8},
		"90d":      {Days: 90},
		"36h":      {Time: 36 * time.Hour},
		"1h":       {Time: time.Hour},
		"1y30d":    {Years: 1, Days: 30},
		"1y30d12h": {Years: 1, Days: 30, Time: 12 * time.Hour},
		"2d90m":    {Days: 2, Time: 90 * time.Minute},
	}
	for in, want := range good {
		got, err := records.ParseRetention(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
		again, err := records.ParseRetention(got.String())
		require.NoError(t, err, "String writes what Set reads")
		require.Equal(t, want, again, in)
	}
	for _, in := range []string{"", "8", "eight years", "-1d", "8y-1h", "1d2y", "8Y", "y", "1.5y", "99999999999999999999y"} {
		_, err := records.ParseRetention(in)
		require.ErrorContains(t, err, `such as "8y", "90d", "36h"`, in)
	}
}

func TestPeriodString(t *testing.T) {
	for in, want := range map[string]string{"8y": "8y", "36h": "36h", "1y30d12h": "1y30d12h", "90m": "1h30m", "45s": "45s", "0d": "0d"} {
		p, err := records.ParseRetention(in)
		require.NoError(t, err, in)
		require.Equal(t, want, p.String(), in)
	}
}

func TestPeriodFlagNamesTheFlag(t *testing.T) {
	fs := flag.NewFlagSet("coordinator", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	p := records.DefaultRetention
	fs.Var(&p, "records-retention", "")
	require.Equal(t, "8y", fs.Lookup("records-retention").DefValue, "the NHS Code's 8 years")
	require.ErrorContains(t, fs.Parse([]string{"-records-retention", "8 years"}), "-records-retention")
	require.NoError(t, fs.Parse([]string{"-records-retention", "90d"}))
	require.Equal(t, records.Retention{Days: 90}, p)
}

func TestPeriodValidate(t *testing.T) {
	require.NoError(t, records.DefaultRetention.Validate("records-retention"))
	require.ErrorContains(t, records.Retention{}.Validate("records-retention"), "records-retention: must be a positive period")
	require.ErrorContains(t, records.Retention{Years: 201}.Validate("records-retention"), "records-retention: must be at most 200 years")
	require.ErrorContains(t, records.Retention{Days: -1, Time: time.Hour}.Validate("records-retention"), "records-retention")
}

func TestPeriodCutoffByTheCalendar(t *testing.T) {
	now := time.Date(2034, 6, 1, 12, 0, 0, 0, time.UTC)
	require.Equal(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), records.DefaultRetention.Cutoff(now), "8 calendar years, leap days and all")
	require.Equal(t, time.Date(2034, 3, 3, 12, 0, 0, 0, time.UTC), records.Retention{Days: 90}.Cutoff(now))
	require.Equal(t, time.Date(2033, 4, 30, 0, 0, 0, 0, time.UTC), records.Retention{Years: 1, Days: 32, Time: 12 * time.Hour}.Cutoff(now))
}
