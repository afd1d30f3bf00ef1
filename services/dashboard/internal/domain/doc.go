// Package domain holds the System Dashboard's metric definitions: journey facts, months and
// periods in Europe/London, the RTT 18-week rule, and how outcome measures pair a baseline with a
// later score and count the minimal important change (direction-aware). It does no I/O.
package domain
