// Command esbench measures the event store through the official client
// against a durable in-process server, next to the raw Pebble floor
// measured in the same run, and prints a table with the ratios.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"
)

type options struct {
	dir        string
	duration   time.Duration
	events     int
	size       int
	cpuProfile string
	skipAppend bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "esbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) (err error) {
	var o options
	flag.StringVar(&o.dir, "dir", "", "scratch directory (default: a temporary one, removed afterwards)")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "duration of each append scenario")
	flag.IntVar(&o.events, "catchup-events", 1_000_000, "events in the $all catch-up read")
	flag.IntVar(&o.size, "event-size", 1024, "event payload bytes")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.BoolVar(&o.skipAppend, "skip-appends", false, "measure only the catch-up read")
	flag.Parse()
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
