package store

import (
	"context"
	"fmt"
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
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO log_chunks(step_id, seq, ts_ms, stream, data) VALUES(?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range chunks {
		if _, err := stmt.ExecContext(ctx, stepID, c.Seq, c.TimeMs, c.Stream, c.Data); err != nil {
			return fmt.Errorf("store log of step %d: %w", stepID, err)
		}
	}
	return tx.Commit()
}

// LogChunks returns a step's chunks after afterSeq, in order, stopping once maxBytes
// (≤ 0: 1 MiB) are gathered; more is true when chunks remain. At least one chunk is
// returned when any remain, however large.
func (s *Store) LogChunks(ctx context.Context, stepID, afterSeq int64, maxBytes int) (chunks []LogChunk, more bool, err error) {
	if maxBytes <= 0 {
		maxBytes = 1 << 20
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT seq, ts_ms, stream, data FROM log_chunks WHERE step_id = ? AND seq > ? ORDER BY seq`, stepID, afterSeq)
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
		if err := rows.Scan(&c.Seq, &c.TimeMs, &c.Stream, &c.Data); err != nil {
			return nil, false, err
		}
		size += len(c.Data)
		chunks = append(chunks, c)
	}
	return chunks, false, rows.Err()
}
