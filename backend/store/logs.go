package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// Output larger than compressMin is stored zstd-compressed: build and test logs shrink five to
// ten times, so a long history stays small and a flood of output costs fewer writes.
const compressMin = 4 << 10

var (
	encoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	decoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
)

// Log streams as stored in log_chunks.stream.
const (
	StreamStdout = 1
	StreamStderr = 2
	StreamMeta   = 3
)

// LogChunk is a piece of a step's output as it arrived.
type LogChunk struct {
	Seq    int64 // 1, 2, 3… per step
	TimeMs int64
	Stream int
	Data   []byte
}

// AppendLog stores chunks of a step's output in one transaction. The caller numbers them.
func (s *Store) AppendLog(ctx context.Context, stepID int64, chunks []LogChunk) error {
	if len(chunks) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := appendLog(ctx, tx, stepID, chunks); err != nil {
		return err
	}
	return tx.Commit()
}

// appendLog stores chunks of a step's output in tx.
func appendLog(ctx context.Context, tx *sql.Tx, stepID int64, chunks []LogChunk) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO log_chunks(step_id, seq, ts_ms, stream, zstd, data) VALUES(?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	var buf []byte
	for _, c := range chunks {
		data, compressed := c.Data, len(c.Data) > compressMin
		if compressed {
			buf = encoder.EncodeAll(c.Data, buf[:0])
			data = buf
		}
		if _, err := stmt.ExecContext(ctx, stepID, c.Seq, c.TimeMs, c.Stream, compressed, data); err != nil {
			return fmt.Errorf("store log of step %d: %w", stepID, err)
		}
	}
	return nil
}

// LogChunks returns a step's chunks after afterSeq, in order, stopping once maxBytes
// (≤ 0: 1 MiB) are gathered; more is true when chunks remain. At least one chunk is
// returned when any remain, however large.
func (s *Store) LogChunks(ctx context.Context, stepID, afterSeq int64, maxBytes int) (chunks []LogChunk, more bool, err error) {
	if maxBytes <= 0 {
		maxBytes = 1 << 20
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT seq, ts_ms, stream, zstd, data FROM log_chunks WHERE step_id = ? AND seq > ? ORDER BY seq`, stepID, afterSeq)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	size := 0
	for rows.Next() {
		if len(chunks) > 0 && size >= maxBytes {
			return chunks, true, nil
		}
		var c LogChunk
		var compressed bool
		if err := rows.Scan(&c.Seq, &c.TimeMs, &c.Stream, &compressed, &c.Data); err != nil {
			return nil, false, err
		}
		if compressed {
			if c.Data, err = decoder.DecodeAll(c.Data, nil); err != nil {
				return nil, false, fmt.Errorf("log of step %d, chunk %d: %w", stepID, c.Seq, err)
			}
		}
		size += len(c.Data)
		chunks = append(chunks, c)
	}
	return chunks, false, rows.Err()
}
