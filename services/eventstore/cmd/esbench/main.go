// Command esbench measures the event store through the official client
// against a durable in-process server, next to the raw Pebble floor
// measured in the same run, and prints a table with the ratios.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

type options struct {
	dir        string
	duration   time.Duration
	events     int
	size       int
	cpuProfile string
	skipAppend bool
}

func main() { serve.Main("esbench", run) }

func run(ctx context.Context, args []string) (err error) {
	o := options{duration: 5 * time.Second, events: 1_000_000, size: 1024}
	fs := config.New("esbench", os.Getenv, os.Stdout)
	fs.Summary("esbench measures the event store through the official client against the raw Pebble floor.")
	fs.String(&o.dir, "dir", "", "scratch directory (default: a temporary one, removed afterwards)")
	fs.Duration(&o.duration, "duration", "", "duration of each append scenario")
	fs.Int(&o.events, "catchup-events", "", "events in the $all catch-up read")
	fs.Int(&o.size, "event-size", "", "event payload bytes")
	fs.String(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	fs.Bool(&o.skipAppend, "skip-appends", "", "measure only the catch-up read")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.Check(); err != nil {
		return err
	}
	if o.cpuProfile != "" {
		var f *os.File
		f, err = os.Create(o.cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer closeInto(&err, f, "cpu profile")
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if o.dir == "" {
		dir, mkErr := os.MkdirTemp("", "esbench-")
		if mkErr != nil {
			return fmt.Errorf("scratch dir: %w", mkErr)
		}
		defer func() {
			if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
				err = fmt.Errorf("remove scratch dir: %w", rerr)
			}
		}()
		o.dir = dir
	}
	var rows []row
	var latency latencies
	if !o.skipAppend {
		appendRows, lat, err := benchAppends(ctx, o, filepath.Join(o.dir, "appends"), filepath.Join(o.dir, "raw-appends"))
		if err != nil {
			return err
		}
		rows, latency = append(rows, appendRows...), lat
	}
	catchUp, err := benchCatchUp(ctx, o, filepath.Join(o.dir, "catchup"))
	if err != nil {
		return err
	}
	rows = append(rows, catchUp)
	printTable(o, rows, latency)
	return nil
}

// row is one measurement with its floor.
type row struct {
	name   string
	ours   float64 // events per second
	raw    float64 // events per second
	target float64 // minimum ours/raw
}

func printTable(o options, rows []row, lat latencies) {
	fmt.Printf("esbench: %d-byte events, %s per append scenario, %d events caught up\n\n", o.size, o.duration, o.events)
	fmt.Printf("%-38s %14s %14s %7s %7s\n", "scenario", "events/s", "raw events/s", "ratio", "target")
	for _, r := range rows {
		ratio := r.ours / r.raw
		mark := ""
		if r.target > 0 && ratio < r.target {
			mark = "  (below target)"
		}
		target := "-"
		if r.target > 0 {
			target = fmt.Sprintf("%.2f", r.target)
		}
		fmt.Printf("%-38s %14.0f %14.0f %7.2f %7s%s\n", r.name, r.ours, r.raw, ratio, target, mark)
	}
	fmt.Printf("\nappend latency at 8 writers, 1 event per append: p50 %s, p99 %s\n", lat.p50, lat.p99)
}
