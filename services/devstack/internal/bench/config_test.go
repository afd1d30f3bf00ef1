package bench

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Config
		wantErr []string
	}{
		{name: "defaults are issue #5's benchmark", want: DefaultConfig()},
		{name: "flags", args: []string{"-duration", "1s", "-concurrency", "2, 8", "-data-dir", "tmp", "-warmup", "0s", "-history-sample", "0"},
			want: Config{Duration: time.Second, Levels: []int{2, 8}, DataDir: "tmp"}},
		{name: "every problem at once", args: []string{"-duration", "1ms", "-concurrency", "0,x,2000", "-warmup", "-1s"},
			wantErr: []string{"duration: must be at least 2ms", `concurrency: "x" is not a whole number`,
				"concurrency: each level must be 1..1024, not 0", "concurrency: each level must be 1..1024, not 2000",
				"warmup: must not be negative"}},
		{name: "no level", args: []string{"-concurrency", ","}, wantErr: []string{"concurrency: at least one level is required"}},
		{name: "stray argument", args: []string{"64"}, wantErr: []string{"unexpected arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadConfig(tt.args, io.Discard)
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, w := range tt.wantErr {
					require.ErrorContains(t, err, w)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}
